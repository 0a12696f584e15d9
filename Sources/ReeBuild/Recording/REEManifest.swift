import Foundation
import ReeOCI
import ReeOS

/// `ree.json`, the description at the root of an REE definition ZIP (see docs/ree-format.md).
public struct REEManifest: Codable, Sendable, Equatable {
    /// The only version this code reads and writes.
    public static let currentFormatVersion = 1

    public struct BaseImage: Codable, Sendable, Equatable {
        /// The name in FROM.
        public var name: String
        /// The manifest digest the define used.
        public var digest: String
        /// `base/NAME.tar` when the image is inside the REE (`--embed-base`), else nil.
        public var archive: String?
    }

    public struct FileDigest: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var size: Int64
    }

    public struct RecordingInfo: Codable, Sendable, Equatable {
        /// WARC files, the CDXJ index and the CA, each with its digest (checked before a build).
        public var files: [FileDigest]
        public var warcFiles: [String]
        public var index: String
        public var caCertificate: String
        public var caPrivateKey: String
        public var exchanges: Int

        enum CodingKeys: String, CodingKey {
            case files, index, exchanges
            case warcFiles = "warc_files", caCertificate = "ca_certificate", caPrivateKey = "ca_private_key"
        }
    }

    public var formatVersion: Int
    public var strategy: String
    public var sourceDateEpoch: Int64
    public var dockerfile: String
    public var target: String?
    public var buildArguments: [String: String]
    public var baseImages: [BaseImage]
    /// The manifest digest of the image the define produced.
    public var imageDigest: String
    /// The layer digests of that image (for the build's report).
    public var imageLayers: [String]
    public var toolVersion: String
    public var recording: RecordingInfo
    /// SBOM entries under `sbom/` (written by ReeSBOM; empty until then).
    public var sbom: [FileDigest]

    enum CodingKeys: String, CodingKey {
        case strategy, dockerfile, target, recording, sbom
        case formatVersion = "format_version", sourceDateEpoch = "source_date_epoch", buildArguments = "build_arguments"
        case baseImages = "base_images", imageDigest = "image_digest", imageLayers = "image_layers", toolVersion = "tool_version"
    }

    /// Reads `ree.json`, refusing other format versions and strategies with a clear message.
    public static func decode(_ bytes: [UInt8]) throws -> REEManifest {
        struct Version: Decodable {
            var format_version: Int?
            var strategy: String?
        }
        let version: Version
        do {
            version = try JSONDecoder().decode(Version.self, from: Data(bytes))
        } catch {
            throw ReeError(.invalidInput, "failed to read ree.json: not JSON (\(error))")
        }
        guard let v = version.format_version else { throw ReeError(.invalidInput, "failed to read ree.json: no format_version") }
        guard v == currentFormatVersion else {
            throw ReeError(.unsupported, "failed to read ree.json: unknown format version \(v) (this ree reads version \(currentFormatVersion))")
        }
        guard version.strategy == "recording" else {
            throw ReeError(.unsupported, "failed to read ree.json: strategy '\(version.strategy ?? "")' is not 'recording'")
        }
        do {
            return try JSONDecoder().decode(REEManifest.self, from: Data(bytes))
        } catch {
            throw ReeError(.invalidInput, "failed to read ree.json: \(error)")
        }
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }

    static func digest(of path: String, relative: String) throws -> FileDigest {
        let fd = try FileDescriptor.open(path)
        let sha = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        var size: Int64 = 0
        while true {
            let n = try fd.read(into: buffer)
            if n == 0 { break }
            sha.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += Int64(n)
        }
        return FileDigest(path: relative, sha256: sha.finalizeHex(), size: size)
    }
}
