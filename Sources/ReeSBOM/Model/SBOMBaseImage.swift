import ReeOCI

/// A base image: the name it was referred to by and its manifest digest.
public struct SBOMBaseImage: Sendable, Hashable, Codable {
    public var name: String
    public var digest: Digest

    public init(name: String, digest: Digest) {
        self.name = name
        self.digest = digest
    }

    var purl: String {
        let parsed = try? ImageName(name)
        return PackageURL.oci(repository: parsed?.repository ?? name, digest: digest.description, tag: parsed?.tag)
    }
}
