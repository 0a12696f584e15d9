import ReeOCI

/// What a build produced.
public struct BuildResult: Sendable {
    /// The stored image (under the requested tag).
    public let image: NamedImage
    public let config: ImageConfig
    /// Base images used by the built stages: the name in FROM and the manifest digest.
    public let baseImages: [BaseImageReference]
    /// How many steps were taken from the cache.
    public let cachedSteps: Int
    public let totalSteps: Int
}

public struct BaseImageReference: Sendable, Hashable, Codable {
    public let name: String
    public let digest: Digest
}
