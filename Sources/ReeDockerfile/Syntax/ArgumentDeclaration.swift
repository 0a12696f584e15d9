/// One name of an `ARG` instruction, with its default value if it has one.
public struct ArgumentDeclaration: Sendable, Equatable {
    /// The argument name.
    public var name: String
    /// The default (`ARG NAME=default`); after ``StageEnvironment/apply(_:)`` the resolved value.
    public var defaultValue: String?

    /// Creates a declaration.
    public init(name: String, defaultValue: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}
