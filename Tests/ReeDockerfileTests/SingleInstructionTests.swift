import Testing

@testable import ReeDockerfile

@Suite("Parsing a single instruction (ONBUILD triggers from an image config)")
struct SingleInstructionTests {
    @Test("a trigger with a heredoc round-trips through its expression")
    func roundTrip() throws {
        let dockerfile = try DockerfileParser.parse("FROM a\nONBUILD COPY <<EOF /x\nhello\nEOF\n")
        guard case .onbuild(let onbuild) = dockerfile.stages[0].instructions[0].kind else {
            Issue.record("not ONBUILD")
            return
        }
        let reparsed = try DockerfileParser.parseInstruction(onbuild.expression)
        #expect(reparsed.kind == onbuild.trigger.kind)
        #expect(reparsed.line == 1)
    }

    @Test("the escape character can be given")
    func escape() throws {
        let instruction = try DockerfileParser.parseInstruction("RUN a `\n b", escape: "`")
        #expect(instruction.kind == .run(RunInstruction(command: .shell("a  b"))))
        #expect(instruction.line == 1)
        #expect(instruction.endLine == 2)
    }

    @Test("errors", arguments: ["", "BOGUS x", "RUN"])
    func errors(text: String) {
        #expect(throws: DockerfileError.self) { try DockerfileParser.parseInstruction(text) }
    }
}
