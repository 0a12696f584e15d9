import Testing

@testable import ReeDockerfile

@Suite("Heredocs")
struct HeredocTests {
    @Test("RUN <<EOF keeps the body and the command")
    func runHeredoc() throws {
        let instruction = try parseInstruction("RUN <<EOF\necho $HOME\nmkdir -p /x\nEOF\nRUN after\n")
        #expect(
            instruction.kind
                == .run(
                    RunInstruction(
                        command: .shell("<<EOF"),
                        heredocs: [Heredoc(name: "EOF", content: "echo $HOME\nmkdir -p /x\n")])))
        #expect(instruction.line == 2)
        #expect(instruction.endLine == 5)
    }

    @Test(
        "delimiter forms",
        arguments: [
            ("RUN <<EOF\nx\nEOF", Heredoc(name: "EOF", content: "x\n", expands: true)),
            ("RUN <<\"EOF\"\nx\nEOF", Heredoc(name: "EOF", content: "x\n", expands: false)),
            ("RUN <<'EOF'\nx\nEOF", Heredoc(name: "EOF", content: "x\n", expands: false)),
            ("RUN <<-EOF\n\t\tx\n\ty\n\tEOF", Heredoc(name: "EOF", content: "x\ny\n", stripsLeadingTabs: true)),
            ("RUN cat 3<<EOF\nx\nEOF", Heredoc(name: "EOF", content: "x\n", fileDescriptor: 3)),
            ("RUN python3 <<PY > out\nprint(1)\nPY", Heredoc(name: "PY", content: "print(1)\n")),
            ("RUN << EOF\nx\nEOF", Heredoc(name: "EOF", content: "x\n")),
            ("RUN <<EOF\nEOF", Heredoc(name: "EOF", content: "")),
            ("RUN <<ab'c'\nx\nabc", Heredoc(name: "abc", content: "x\n", expands: false)),
            ("RUN <<ab\\'c\nx\nab'c", Heredoc(name: "ab'c", content: "x\n", expands: true)),
            ("RUN <<'two words'\nx\ntwo words", Heredoc(name: "two words", content: "x\n", expands: false)),
            ("RUN <<$END\nx\n$END", Heredoc(name: "$END", content: "x\n")),
            ("RUN <<  EOF  > out\nx\nEOF", Heredoc(name: "EOF", content: "x\n")),
            ("RUN <<EOF\n# not a comment\n  indented\nEOF", Heredoc(name: "EOF", content: "# not a comment\n  indented\n")),
            ("RUN <<-EOF\n\tx\nEOF", Heredoc(name: "EOF", content: "x\n", stripsLeadingTabs: true)),
            ("RUN <<EOF\n\tx\n\tEOF\nEOF", Heredoc(name: "EOF", content: "\tx\n\tEOF\n")),
        ])
    func forms(text: String, expected: Heredoc) throws {
        guard case .run(let run) = try parseInstruction(text).kind else {
            Issue.record("not a RUN")
            return
        }
        #expect(run.heredocs == [expected])
    }

    @Test("several heredocs in one instruction are read in order")
    func several() throws {
        let instruction = try parseInstruction("RUN <<A cat - && cat <<B\na\nA\nb\nB\nWORKDIR /w")
        guard case .run(let run) = instruction.kind else {
            Issue.record("not a RUN")
            return
        }
        #expect(run.heredocs.map(\.name) == ["A", "B"])
        #expect(run.heredocs.map(\.content) == ["a\n", "b\n"])
        let dockerfile = try DockerfileParser.parse("FROM x\nRUN <<A cat - && cat <<B\na\nA\nb\nB\nWORKDIR /w")
        #expect(dockerfile.stages[0].instructions.last?.kind == .workdir("/w"))
        #expect(dockerfile.stages[0].instructions.last?.line == 7)
    }

    @Test("COPY <<EOF creates a file from the body")
    func copyHeredoc() throws {
        let instruction = try parseInstruction("COPY <<EOF /etc/app/config.ini\n[app]\nhome = /opt/app\nEOF\n")
        #expect(
            instruction.kind
                == .copy(
                    CopyInstruction(
                        sources: [.heredoc(Heredoc(name: "EOF", content: "[app]\nhome = /opt/app\n"))],
                        destination: "/etc/app/config.ini")))
    }

    @Test("a body may contain the other heredoc's delimiter")
    func crossedDelimiters() throws {
        let instruction = try parseInstruction("COPY <<X <<Y /dest\nY\nX\nX\nY\n")
        guard case .copy(let copy) = instruction.kind else {
            Issue.record("not COPY")
            return
        }
        #expect(copy.sources == [.heredoc(Heredoc(name: "X", content: "Y\n")), .heredoc(Heredoc(name: "Y", content: "X\n"))])
    }

    @Test("COPY mixes heredocs and paths; ADD takes heredocs too")
    func copyMixed() throws {
        let instruction = try parseInstruction("COPY <<one <<'two' file /dst/\n1\none\n$2\ntwo\n")
        guard case .copy(let copy) = instruction.kind else {
            Issue.record("not COPY")
            return
        }
        #expect(
            copy.sources == [
                .heredoc(Heredoc(name: "one", content: "1\n")),
                .heredoc(Heredoc(name: "two", content: "$2\n", expands: false)), .path("file"),
            ])
        let add = try parseInstruction("ADD <<EOF /x\nbody\nEOF")
        #expect(add.kind == .add(AddInstruction(sources: [.heredoc(Heredoc(name: "EOF", content: "body\n"))], destination: "/x")))
    }

    @Test("heredoc bodies of COPY expand unless quoted; RUN bodies are left to the shell")
    func expansion() throws {
        let text = "FROM x\nARG V=1\nCOPY <<A <<'B' /d/\nv=$V \\$V\nA\nv=$V\nB\nRUN <<EOF\necho $V\nEOF\n"
        let dockerfile = try DockerfileParser.parse(text)
        var environment = try BuildScope(dockerfile: dockerfile).environment()
        var expanded: [Instruction] = []
        for instruction in dockerfile.stages[0].instructions {
            expanded.append(try environment.apply(instruction))
        }
        guard case .copy(let copy) = expanded[1].kind else {
            Issue.record("not COPY")
            return
        }
        #expect(
            copy.sources == [
                .heredoc(Heredoc(name: "A", content: "v=1 $V\n")),
                .heredoc(Heredoc(name: "B", content: "v=$V\n", expands: false)),
            ])
        guard case .run(let run) = expanded[2].kind else {
            Issue.record("not RUN")
            return
        }
        #expect(run.heredocs.first?.content == "echo $V\n")
    }

    @Test("heredocs are not looked for in JSON form or in other instructions")
    func notHeredocs() throws {
        #expect(try parseInstruction("RUN [\"echo\", \"<<EOF\"]").kind == .run(RunInstruction(command: .exec(["echo", "<<EOF"]))))
        #expect(try parseInstruction("RUN echo \"<<EOF\"").kind == .run(RunInstruction(command: .shell("echo \"<<EOF\""))))
        #expect(try parseInstruction("LABEL a=<<EOF").kind == .label([KeyValuePair(key: "a", value: "<<EOF")]))
    }

    @Test("ONBUILD triggers take heredocs")
    func onbuild() throws {
        guard case .onbuild(let onbuild) = try parseInstruction("ONBUILD RUN <<EOF\necho hi\nEOF").kind else {
            Issue.record("not ONBUILD")
            return
        }
        #expect(onbuild.trigger.kind == .run(RunInstruction(command: .shell("<<EOF"), heredocs: [Heredoc(name: "EOF", content: "echo hi\n")])))
        #expect(onbuild.expression == "RUN <<EOF\necho hi\nEOF")
    }

    @Test("an unterminated heredoc is an error at its instruction")
    func unterminated() {
        #expect(parseError("FROM a\nRUN <<EOF\necho\n")?.line == 2)
        #expect(parseError("FROM a\nRUN <<EOF\necho\n")?.message.contains("unterminated heredoc") == true)
    }
}

@Suite("What a RUN executes")
struct RunInvocationTests {
    static func invocation(_ line: String, shell: [String] = ["/bin/sh", "-c"]) throws -> RunInvocation {
        guard case .run(let run) = try parseInstruction(line).kind else { throw DockerfileError(line: 0, "not RUN") }
        return run.invocation(shell: shell)
    }

    @Test("shell form, exec form and heredoc forms")
    func forms() throws {
        #expect(try Self.invocation("RUN echo hi").arguments == ["/bin/sh", "-c", "echo hi"])
        #expect(try Self.invocation("RUN [\"echo\", \"hi\"]").arguments == ["echo", "hi"])
        #expect(try Self.invocation("RUN <<EOF\necho a\necho b\nEOF", shell: ["/bin/sh", "-eu", "-c"]).arguments == ["/bin/sh", "-eu", "-c", "echo a\necho b\n"])
        let script = try Self.invocation("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF")
        #expect(script.arguments == ["/bin/sh", "-c", "/dev/pipes/EOF"])
        #expect(script.file == RunInvocation.InlineFile(path: "/dev/pipes/EOF", content: "#!/usr/bin/env python3\nprint(1)\n", mode: 0o755))
        #expect(try Self.invocation("RUN cat <<A > /a && cat <<B > /b\n1\nA\n2\nB").arguments == ["/bin/sh", "-c", "cat <<A > /a && cat <<B > /b\n1\nA\n2\nB"])
    }
}
