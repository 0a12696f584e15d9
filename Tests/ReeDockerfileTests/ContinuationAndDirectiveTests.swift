import Testing

@testable import ReeDockerfile

@Suite("Line continuations, comments and parser directives")
struct ContinuationAndDirectiveTests {
    @Test(
        "continuations join lines as Docker does",
        arguments: [
            ("RUN a \\\n    b", "a     b"),
            ("RUN a \\\n# comment\n    b", "a     b"),
            ("RUN a \\\n\n    b", "a     b"),
            ("RUN a \\   \n  b", "a   b"),
            ("RUN a \\\t\n  b", "a   b"),
            ("RUN a\\\nb", "ab"),
            ("RUN a \\\\", "a \\\\"),
            ("RUN a \\", "a"),
            ("RUN a \\\r\n  b\r\n", "a   b"),
            ("RUN a \\\n  # c1\n  # c2\n  b \\\n  c", "a   b   c"),
        ])
    func continuation(text: String, expected: String) throws {
        let instruction = try parseInstruction(text)
        #expect(instruction.kind == .run(RunInstruction(command: .shell(expected))))
    }

    @Test("a continuation reports the start line and the end line")
    func lineNumbers() throws {
        let dockerfile = try DockerfileParser.parse("FROM a\nRUN x \\\n  # c\n  y\nRUN z\n")
        let instructions = dockerfile.stages[0].instructions
        #expect(instructions[0].line == 2)
        #expect(instructions[0].endLine == 4)
        #expect(instructions[1].line == 5)
    }

    @Test("the escape directive switches to backtick")
    func backtickEscape() throws {
        let text = "# escape=`\nFROM windows\nRUN dir `\n    c:\\\nCOPY a\\b c:\\dest\\\n"
        let dockerfile = try DockerfileParser.parse(text)
        #expect(dockerfile.escape == "`")
        let instructions = dockerfile.stages[0].instructions
        #expect(instructions[0].kind == .run(RunInstruction(command: .shell("dir     c:\\"))))
        #expect(instructions[1].kind == .copy(CopyInstruction(sources: [.path("a\\b")], destination: "c:\\dest\\")))
    }

    @Test(
        "directives are read only at the top",
        arguments: [
            ("# syntax=docker/dockerfile:1\nFROM a", "docker/dockerfile:1", "\\"),
            ("#syntax = docker/dockerfile:1.7 \n# escape=`\nFROM a", "docker/dockerfile:1.7", "`"),
            ("# comment\n# escape=`\nFROM a", nil, "\\"),
            ("\n# escape=`\nFROM a", nil, "\\"),
            ("FROM a\n# escape=`\n", nil, "\\"),
            ("# unknown=1\n# escape=`\nFROM a", nil, "\\"),
            ("\u{FEFF}# escape=`\nFROM a", nil, "`"),
        ] as [(String, String?, Unicode.Scalar)])
    func directives(text: String, syntax: String?, escape: Unicode.Scalar) throws {
        let dockerfile = try DockerfileParser.parse(text)
        #expect(dockerfile.syntax == syntax)
        #expect(dockerfile.escape == escape)
    }

    @Test("directive errors")
    func directiveErrors() {
        #expect(parseError("# escape=x\nFROM a")?.description == "line 1: invalid escape token 'x' does not match ` or \\")
        #expect(parseError("# escape=`\n# escape=\\\nFROM a")?.description == "line 2: only one escape parser directive can be used")
    }

    @Test("comments and blank lines are skipped")
    func comments() throws {
        let dockerfile = try DockerfileParser.parse("# hello\n\n   # indented\nFROM a\n\n\t\n# x\nRUN b # not a comment\n")
        #expect(dockerfile.stages[0].instructions.map(\.kind) == [.run(RunInstruction(command: .shell("b # not a comment")))])
    }
}

@Suite("Parser warnings")
struct ParserWarningTests {
    @Test("empty continuation lines and MAINTAINER are reported")
    func warnings() throws {
        let dockerfile = try DockerfileParser.parse("FROM a\nRUN a \\\n\n  b\nMAINTAINER me\n")
        #expect(
            dockerfile.warnings == [
                DockerfileWarning(line: 3, "empty continuation line"),
                DockerfileWarning(line: 5, "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors"),
            ])
    }
}
