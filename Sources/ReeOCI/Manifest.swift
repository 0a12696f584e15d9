import ReeOS

/// An OCI image manifest (also read from Docker schema 2 manifests, whose shape is the same).
public struct Manifest: Hashable, Sendable, Codable {
    public var schemaVersion: Int
    public var mediaType: MediaType?
    public var artifactType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(config: Descriptor, layers: [Descriptor], annotations: [String: String]? = nil) {
        schemaVersion = 2
        mediaType = .ociManifest
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }

    /// Checks what the spec requires and what ree must understand to use the image.
    public func validate(source: String) throws {
        guard schemaVersion == 2 else {
            throw ReeError(.unsupported, "invalid manifest in '\(source)': schemaVersion \(schemaVersion), expected 2")
        }
        if let m = mediaType, !m.isManifest {
            throw ReeError(.unsupported, "invalid manifest in '\(source)': unknown media type '\(m)'")
        }
        guard config.mediaType.isConfig else {
            throw ReeError(.unsupported, "invalid manifest in '\(source)': unknown config media type '\(config.mediaType)'")
        }
        for layer in layers where layer.mediaType.layerCompression == nil {
            throw ReeError(.unsupported, "invalid manifest in '\(source)': unknown layer media type '\(layer.mediaType)' for \(layer.digest)")
        }
    }
}

/// An OCI image index (also Docker manifest lists).
public struct Index: Hashable, Sendable, Codable {
    public var schemaVersion: Int
    public var mediaType: MediaType?
    public var manifests: [Descriptor]
    public var annotations: [String: String]?

    public init(manifests: [Descriptor], annotations: [String: String]? = nil) {
        schemaVersion = 2
        mediaType = .ociIndex
        self.manifests = manifests
        self.annotations = annotations
    }
}

/// The `oci-layout` file.
public struct LayoutHeader: Codable, Sendable {
    public var imageLayoutVersion: String
    public init() { imageLayoutVersion = "1.0.0" }
}
