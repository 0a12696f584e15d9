/// One build stage: a `FROM` line and the instructions up to the next `FROM`.
public struct BuildStage: Sendable, Equatable {
    /// The position of the stage in the Dockerfile, from 0.
    public var index: Int
    /// The `FROM` instruction that starts the stage (not yet expanded).
    public var from: Instruction
    /// The instructions of the stage, after its `FROM`.
    public var instructions: [Instruction]

    /// Creates a stage.
    public init(index: Int, from: Instruction, instructions: [Instruction] = []) {
        self.index = index
        self.from = from
        self.instructions = instructions
    }

    /// The unexpanded `FROM` arguments.
    public var base: FromInstruction {
        if case .from(let from) = from.kind { return from }
        return FromInstruction(image: "")
    }

    /// The stage name from `FROM image AS name`, lower-cased as Docker does.
    public var name: String? { base.name }

    /// The line of the `FROM` instruction.
    public var line: Int { from.line }
}
