/// One Dockerfile instruction with its location and the typed arguments.
public struct Instruction: Sendable, Equatable {
    /// The line where the instruction starts (1-based).
    public var line: Int
    /// The last line of the instruction, including continuation lines and heredoc bodies.
    public var endLine: Int
    /// The logical line as Docker sees it: continuation lines joined, comments inside them dropped.
    public var source: String
    /// The instruction and its arguments.
    public var kind: Kind

    /// Creates an instruction.
    public init(line: Int, endLine: Int? = nil, source: String, kind: Kind) {
        self.line = line
        self.endLine = endLine ?? line
        self.source = source
        self.kind = kind
    }

    /// Every Dockerfile instruction, with typed arguments.
    public indirect enum Kind: Sendable, Equatable {
        /// `FROM [--platform=P] IMAGE [AS NAME]`
        case from(FromInstruction)
        /// `RUN [--mount=...] [--network=...] command`
        case run(RunInstruction)
        /// `CMD command`
        case cmd(CommandForm)
        /// `LABEL k=v ...`
        case label([KeyValuePair])
        /// `MAINTAINER name` (deprecated)
        case maintainer(String)
        /// `EXPOSE port[/proto] ...`
        case expose([String])
        /// `ENV k=v ...`
        case env([KeyValuePair])
        /// `ADD [flags] src... dest`
        case add(AddInstruction)
        /// `COPY [flags] src... dest`
        case copy(CopyInstruction)
        /// `ENTRYPOINT command`
        case entrypoint(CommandForm)
        /// `VOLUME ["/a"]` or `VOLUME /a /b`
        case volume([String])
        /// `USER user[:group]`
        case user(UserInstruction)
        /// `WORKDIR path`
        case workdir(String)
        /// `ARG name[=default] ...`
        case arg([ArgumentDeclaration])
        /// `ONBUILD instruction`
        case onbuild(OnbuildInstruction)
        /// `STOPSIGNAL signal`
        case stopSignal(String)
        /// `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE`
        case healthcheck(Healthcheck)
        /// `SHELL ["executable", "parameters"]`
        case shell([String])
    }

    /// The instruction keyword in upper case, such as `RUN`.
    public var keyword: String {
        switch kind {
        case .from: "FROM"
        case .run: "RUN"
        case .cmd: "CMD"
        case .label: "LABEL"
        case .maintainer: "MAINTAINER"
        case .expose: "EXPOSE"
        case .env: "ENV"
        case .add: "ADD"
        case .copy: "COPY"
        case .entrypoint: "ENTRYPOINT"
        case .volume: "VOLUME"
        case .user: "USER"
        case .workdir: "WORKDIR"
        case .arg: "ARG"
        case .onbuild: "ONBUILD"
        case .stopSignal: "STOPSIGNAL"
        case .healthcheck: "HEALTHCHECK"
        case .shell: "SHELL"
        }
    }
}
