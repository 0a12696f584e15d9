/// What a `RUN` executes, heredocs resolved the way BuildKit resolves them.
public struct RunInvocation: Sendable, Equatable {
    /// A file the command needs at `path` (a heredoc script with a `#!` line).
    public struct InlineFile: Sendable, Equatable {
        /// The absolute path in the container, under `/dev/pipes/`.
        public var path: String
        /// The file content.
        public var content: String
        /// The file mode (0755: it is executed).
        public var mode: UInt32
    }

    /// The argument vector to execute.
    public var arguments: [String]
    /// A file to mount read-only before executing, if any.
    public var file: InlineFile?
}

extension RunInstruction {
    /// The argument vector (and inline script file) to run with the stage's `SHELL`:
    /// - exec form runs as is;
    /// - `RUN <<EOF` alone runs the body with the shell, or as a script file when it starts with `#!`;
    /// - any other command with heredocs is rebuilt as a shell script with the bodies inline;
    /// - plain shell form runs `shell + [command]`.
    public func invocation(shell: [String] = ["/bin/sh", "-c"]) -> RunInvocation {
        guard case .shell(let text) = command else {
            return RunInvocation(arguments: command.arguments(shell: shell))
        }
        guard let first = heredocs.first else {
            return RunInvocation(arguments: shell + [text])
        }
        if ((try? HeredocMarker.parse(text)) ?? nil) != nil {
            if first.content.hasPrefix("#!") {
                let path = "/dev/pipes/" + first.name
                return RunInvocation(
                    arguments: shell + [path], file: .init(path: path, content: first.content, mode: 0o755))
            }
            return RunInvocation(arguments: shell + [first.content])
        }
        var script = text
        for heredoc in heredocs {
            script += "\n" + heredoc.content + heredoc.name
        }
        return RunInvocation(arguments: shell + [script])
    }
}
