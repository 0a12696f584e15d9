/// `ONBUILD instruction`: a trigger recorded in the image config and run by builds based on it.
public struct OnbuildInstruction: Sendable, Equatable {
    /// The trigger instruction, parsed.
    public var trigger: Instruction
    /// The trigger as Docker stores it in the image config (`OnBuild`), heredoc bodies included.
    public var expression: String

    /// Creates an `ONBUILD`.
    public init(trigger: Instruction, expression: String) {
        self.trigger = trigger
        self.expression = expression
    }
}
