/// Something Docker accepts but warns about, such as an empty continuation line.
public struct DockerfileWarning: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line the warning is about.
    public var line: Int
    /// What is questionable.
    public var message: String

    /// Creates a warning.
    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`.
    public var description: String { "line \(line): \(message)" }
}
