import ReeOCI
import ReeOS

/// The image an SBOM describes.
public struct SBOMSubject: Sendable, Hashable {
    /// The image's name in the store (`python_3_11`, `team/app:1.0`).
    public var name: String
    /// The manifest digest: it names the image, and seeds the serial number and namespace.
    public var digest: Digest?
    /// The image config's `created` (RFC 3339): the documents' timestamp, so equal images give equal SBOMs.
    public var created: String?
    public var architecture: String?
    /// The images the build started from.
    public var baseImages: [SBOMBaseImage]

    public init(name: String, digest: Digest?, created: String? = nil, architecture: String? = nil, baseImages: [SBOMBaseImage] = []) {
        self.name = name
        self.digest = digest
        self.created = created
        self.architecture = architecture
        self.baseImages = baseImages
    }

    /// `created` reduced to `YYYY-MM-DDThh:mm:ssZ` (the form SPDX requires); the epoch when absent or malformed.
    public var timestamp: String {
        guard let created, created.utf8.count >= 19 else { return "1970-01-01T00:00:00Z" }
        let head = Array(created.utf8.prefix(19))
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (c, s) in zip(head, shape) {
            let ok = s == UInt8(ascii: "d") ? (c >= 48 && c <= 57) : c == s
            if !ok { return "1970-01-01T00:00:00Z" }
        }
        return String(decoding: head, as: UTF8.self) + "Z"
    }

    /// A name-based UUID (RFC 9562 version 8, SHA-256 of `seed` and the digest or name), lower-case.
    func uuid(_ seed: String) -> String {
        var bytes = Array(hexBytes(SHA256.hex(Array("ree-sbom/\(seed)/\(digest?.description ?? "name:" + name)".utf8))).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = hexString(bytes)
        let h = Array(hex)
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }

    /// `pkg:oci/NAME@sha256%3A...?tag=TAG`, or nil without a digest.
    var purl: String? {
        guard let digest, let name = try? ImageName(name) else { return nil }
        return PackageURL.oci(repository: name.repository, digest: digest.description, tag: name.tag)
    }

    private func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8 = c >= 97 ? c - 87 : c - 48
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }
}
