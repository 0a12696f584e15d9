/// A command in shell form (run by the stage's `SHELL`) or exec form (a JSON array).
public enum CommandForm: Sendable, Equatable {
    /// `RUN echo hi`: the text is handed to the shell unchanged.
    case shell(String)
    /// `RUN ["echo", "hi"]`: the arguments are executed directly.
    case exec([String])

    /// The arguments to execute with `shell` as the stage's `SHELL` (default `["/bin/sh", "-c"]`).
    public func arguments(shell: [String] = ["/bin/sh", "-c"]) -> [String] {
        switch self {
        case .shell(let text): shell + [text]
        case .exec(let arguments): arguments
        }
    }
}
