import ReeOS

/// An OCI or Docker media type. Unknown strings are representable (to name them in errors)
/// but `requireLayer`/`requireManifest` refuse them where the type decides how bytes are read.
public struct MediaType: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let ociLayout: MediaType = "application/vnd.oci.layout.header.v1+json"
    public static let ociIndex: MediaType = "application/vnd.oci.image.index.v1+json"
    public static let ociManifest: MediaType = "application/vnd.oci.image.manifest.v1+json"
    public static let ociConfig: MediaType = "application/vnd.oci.image.config.v1+json"
    public static let ociLayer: MediaType = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip: MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd: MediaType = "application/vnd.oci.image.layer.v1.tar+zstd"
    public static let ociEmpty: MediaType = "application/vnd.oci.empty.v1+json"
    public static let dockerManifest: MediaType = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList: MediaType = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerConfig: MediaType = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayerGzip: MediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerLayer: MediaType = "application/vnd.docker.image.rootfs.diff.tar"

    public enum LayerCompression: Sendable { case none, gzip, zstd }

    /// How a layer of this type is compressed, or nil if it is not a layer type we know.
    public var layerCompression: LayerCompression? {
        switch rawValue {
        case Self.ociLayer.rawValue, Self.dockerLayer.rawValue,
             "application/vnd.oci.image.layer.nondistributable.v1.tar": return LayerCompression.none
        case Self.ociLayerGzip.rawValue, Self.dockerLayerGzip.rawValue,
             "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
             "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": return .gzip
        case Self.ociLayerZstd.rawValue, "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": return .zstd
        default: return nil
        }
    }

    public var isManifest: Bool { self == .ociManifest || self == .dockerManifest }
    public var isIndex: Bool { self == .ociIndex || self == .dockerManifestList }
    public var isConfig: Bool { self == .ociConfig || self == .dockerConfig }
}
