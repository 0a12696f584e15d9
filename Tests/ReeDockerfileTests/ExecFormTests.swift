import Testing

@testable import ReeDockerfile

@Suite("JSON exec form versus shell form")
struct ExecFormTests {
    @Test(
        "invalid JSON falls back to shell form",
        arguments: [
            ("CMD ['a', 'b']", CommandForm.shell("['a', 'b']")),
            ("CMD [\"a\", \"b\"", .shell("[\"a\", \"b\"")),
            ("CMD [\"a\" \"b\"]", .shell("[\"a\" \"b\"]")),
            ("CMD [\"a\"] trailing", .shell("[\"a\"] trailing")),
            ("CMD [\"unterminated]", .shell("[\"unterminated]")),
            ("CMD [\"a\",]", .shell("[\"a\",]")),
            ("CMD [\"bad \\x escape\"]", .shell("[\"bad \\x escape\"]")),
            ("CMD   [ \"a\" ,\t\"b\" ]  ", .exec(["a", "b"])),
            ("CMD [\"\\\"quoted\\\"\", \"\\/\"]", .exec(["\"quoted\"", "/"])),
            ("CMD [\"\\ud83d\\ude00\", \"\\ud800\"]", .exec(["\u{1F600}", "\u{FFFD}"])),
            ("CMD {\"a\": 1}", .shell("{\"a\": 1}")),
        ])
    func fallback(line: String, expected: CommandForm) throws {
        #expect(try parseInstruction(line).kind == .cmd(expected))
    }

    @Test(
        "a valid JSON array with non-strings is an error",
        arguments: ["CMD [1, 2]", "RUN [\"a\", [\"b\"]]", "ENTRYPOINT [null]", "COPY [\"a\", true]", "VOLUME [{}]"])
    func nonStrings(line: String) {
        let error = parseError("FROM a\n" + line)
        #expect(error?.line == 2)
        #expect(error?.message == "when using JSON array syntax, arrays must be comprised of strings only")
    }

    @Test("deeply nested JSON is treated as shell text, not recursed into")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(try parseInstruction("CMD " + deep).kind == .cmd(.shell(deep)))
    }

    @Test("command arguments use the stage shell for shell form")
    func arguments() {
        #expect(CommandForm.shell("echo hi").arguments() == ["/bin/sh", "-c", "echo hi"])
        #expect(CommandForm.shell("x").arguments(shell: ["/bin/bash", "-c"]) == ["/bin/bash", "-c", "x"])
        #expect(CommandForm.exec(["a", "b"]).arguments() == ["a", "b"])
    }
}
