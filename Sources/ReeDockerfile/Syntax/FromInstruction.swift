/// `FROM [--platform=P] IMAGE [AS NAME]`.
public struct FromInstruction: Sendable, Equatable {
    /// The image reference, or the name of an earlier stage, or `scratch`.
    public var image: String
    /// The `--platform` value, if given.
    public var platform: String?
    /// The stage name, lower-cased.
    public var name: String?

    /// Creates a `FROM`.
    public init(image: String, platform: String? = nil, name: String? = nil) {
        self.image = image
        self.platform = platform
        self.name = name
    }
}
