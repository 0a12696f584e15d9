/// A problem found while parsing or expanding a Dockerfile or a `.dockerignore` file.
///
/// `line` is the 1-based line where the offending instruction starts (0 when no line applies,
/// for example a problem with a build argument given on the command line).
public struct DockerfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line number of the instruction, or 0 when unknown.
    public var line: Int
    /// What was wrong and, where possible, what was expected.
    public var message: String

    /// Creates an error at `line` with `message`.
    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`, or only the message when the line is unknown.
    public var description: String {
        line > 0 ? "line \(line): \(message)" : message
    }

    /// The same error placed at `line` when it has no line yet.
    func located(at line: Int) -> DockerfileError {
        self.line > 0 ? self : DockerfileError(line: line, message)
    }
}
