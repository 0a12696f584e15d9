/// A parsed Dockerfile: parser directives, global `ARG`s (those before the first `FROM`) and stages.
public struct Dockerfile: Sendable, Equatable {
    /// The text that was parsed.
    public var text: String
    /// The value of the `# syntax=` directive, if any.
    public var syntax: String?
    /// The escape character: `\` unless `# escape=\`` was given.
    public var escape: Unicode.Scalar
    /// `ARG` instructions that precede the first `FROM`; usable in `FROM` lines.
    public var globalArguments: [Instruction]
    /// The build stages in order; a `Dockerfile` always has at least one.
    public var stages: [BuildStage]
    /// Things Docker accepts but warns about.
    public var warnings: [DockerfileWarning]

    /// Creates a Dockerfile from its parts.
    public init(
        text: String, syntax: String? = nil, escape: Unicode.Scalar = "\\",
        globalArguments: [Instruction] = [], stages: [BuildStage], warnings: [DockerfileWarning] = []
    ) {
        self.warnings = warnings
        self.text = text
        self.syntax = syntax
        self.escape = escape
        self.globalArguments = globalArguments
        self.stages = stages
    }

    /// The stage whose name is `name` (case-insensitive), if any.
    public func stage(named name: String) -> BuildStage? {
        let lowered = name.lowercased()
        return stages.first { $0.name == lowered }
    }

    /// The index of the stage that `reference` names: a stage name or a stage index (`COPY --from=0`).
    public func stageIndex(for reference: String) -> Int? {
        let lowered = reference.lowercased()
        if let index = stages.firstIndex(where: { $0.name == lowered }) { return index }
        if let number = Int(reference), stages.indices.contains(number) { return number }
        return nil
    }
}
