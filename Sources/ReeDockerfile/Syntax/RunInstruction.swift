/// `RUN [--mount=...] [--network=...] command`.
public struct RunInstruction: Sendable, Equatable {
    /// The command: shell form is passed to the shell unexpanded, as Docker does.
    public var command: CommandForm
    /// The `--mount` specifications, typed. Values that use variables are typed after expansion.
    public var mounts: [RunMount]
    /// The `--network` mode, if given.
    public var network: RunNetwork?
    /// Here-documents referenced by the command, in order.
    public var heredocs: [Heredoc]

    /// Creates a `RUN`.
    public init(command: CommandForm, mounts: [RunMount] = [], network: RunNetwork? = nil, heredocs: [Heredoc] = []) {
        self.command = command
        self.mounts = mounts
        self.network = network
        self.heredocs = heredocs
    }
}
