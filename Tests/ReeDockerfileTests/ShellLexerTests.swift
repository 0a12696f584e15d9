import Testing

@testable import ReeDockerfile

@Suite("Variable expansion (Docker's shell-word lexer)")
struct ShellLexerTests {
    static let variables: [String: String] = [
        "V": "value", "EMPTY": "", "PATH": "/usr/bin:/bin", "FILE": "archive.tar.gz", "SPACED": "a b  c",
    ]

    static func word(_ text: String, escape: Unicode.Scalar = "\\") throws(DockerfileError) -> String {
        try ShellLexer(escape: escape).processWord(text) { variables[$0] }
    }

    @Test(
        "operators and quoting",
        arguments: [
            ("$V", "value"),
            ("${V}", "value"),
            ("x${V}y", "xvaluey"),
            ("$V$V", "valuevalue"),
            ("$UNSET", ""),
            ("${UNSET}", ""),
            ("${UNSET:-default}", "default"),
            ("${EMPTY:-default}", "default"),
            ("${EMPTY-default}", ""),
            ("${UNSET-default}", "default"),
            ("${V:-default}", "value"),
            ("${V:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${EMPTY+alt}", "alt"),
            ("${UNSET+alt}", ""),
            ("${UNSET:-${V}}", "value"),
            ("${UNSET:-${ALSO:-${V:+deep}}}", "deep"),
            ("${UNSET:-a b}", "a b"),
            ("'$V'", "$V"),
            ("\"$V\"", "value"),
            ("\"'$V'\"", "'value'"),
            ("\\$V", "$V"),
            ("\"\\$V\"", "$V"),
            ("\"a\\\"b\"", "a\"b"),
            ("\"a\\nb\"", "a\\nb"),
            ("a\\ b", "a b"),
            ("$", "$"),
            ("a$", "a$"),
            ("$1", ""),
            ("${FILE#*.}", "tar.gz"),
            ("${FILE##*.}", "gz"),
            ("${FILE%.*}", "archive.tar"),
            ("${FILE%%.*}", "archive"),
            ("${PATH/bin/sbin}", "/usr/sbin:/bin"),
            ("${PATH//bin/sbin}", "/usr/sbin:/sbin"),
            ("${V:?}", "value"),
            ("$SPACED", "a b  c"),
        ])
    func expansion(input: String, expected: String) throws {
        #expect(try Self.word(input) == expected)
    }

    @Test(
        "syntax errors",
        arguments: [
            ("${V", "syntax error: missing '}'"),
            ("${}", "syntax error: bad substitution"),
            ("${:x}", "syntax error: bad substitution"),
            ("${V:x}", "unsupported modifier (:x) in substitution"),
            ("${V^^}", "unsupported modifier (^) in substitution"),
            ("${UNSET:?must be set}", "UNSET: must be set"),
            ("${UNSET?}", "UNSET: is not allowed to be unset"),
            ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
            ("'open", "unexpected end of statement while looking for matching single-quote"),
            ("\"open", "unexpected end of statement while looking for matching double-quote"),
            ("${V:#x}", "unsupported modifier (:#) in substitution"),
        ])
    func errors(input: String, message: String) {
        do {
            _ = try Self.word(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.message == "failed to process \"\(input)\": \(message)")
        }
    }

    @Test("word splitting keeps quoted spaces and splits expanded ones")
    func words() throws {
        let lexer = ShellLexer()
        #expect(try lexer.processWords("a \"b c\" 'd e' f\\ g", lookup: { _ in nil }) == ["a", "b c", "d e", "f g"])
        #expect(try lexer.processWords("$SPACED", lookup: { Self.variables[$0] }) == ["a", "b", "c"])
        #expect(try lexer.processWords("\"$SPACED\"", lookup: { Self.variables[$0] }) == ["a b  c"])
    }

    @Test("the backtick escape character escapes `$`")
    func backtick() throws {
        #expect(try Self.word("`$V", escape: "`") == "$V")
        #expect(try Self.word("c:\\$V", escape: "`") == "c:\\value")
    }

    @Test("deep nesting is an error, not a crash")
    func deepNesting() {
        let deep = String(repeating: "${A:-", count: 5_000) + String(repeating: "}", count: 5_000)
        #expect(throws: DockerfileError.self) { try Self.word(deep) }
    }

    @Test("which instructions are expanded")
    func perInstruction() throws {
        let text = """
            FROM scratch
            COPY --chown=$V:$V $V "${V}x" /dst/$V
            ADD $V /d/
            ENV K_$V="$V two"
            LABEL l=$V
            EXPOSE $PORTS
            USER $V
            WORKDIR /w/$V
            VOLUME ["/v/$V"]
            STOPSIGNAL $V
            RUN --mount=type=cache,target=/c/$V echo $V
            CMD echo $V
            ENTRYPOINT ["$V"]
            SHELL ["$V"]
            HEALTHCHECK CMD $V
            ONBUILD RUN $V
            """
        let dockerfile = try DockerfileParser.parse(text)
        let lookup: (String) -> String? = { ["V": "v", "PORTS": "80/tcp 443"][$0] }
        let expanded = try dockerfile.stages[0].instructions.map { try $0.expanded(lookup: lookup) }
        #expect(
            expanded[0].kind
                == .copy(CopyInstruction(sources: [.path("v"), .path("vx")], destination: "/dst/v", chown: "v:v")))
        #expect(expanded[1].kind == .add(AddInstruction(sources: [.path("v")], destination: "/d/")))
        #expect(expanded[2].kind == .env([KeyValuePair(key: "K_v", value: "v two")]))
        #expect(expanded[3].kind == .label([KeyValuePair(key: "l", value: "v")]))
        #expect(expanded[4].kind == .expose(["80/tcp", "443"]))
        #expect(expanded[5].kind == .user(UserInstruction(spec: "v")))
        #expect(expanded[6].kind == .workdir("/w/v"))
        #expect(expanded[7].kind == .volume(["/v/v"]))
        #expect(expanded[8].kind == .stopSignal("v"))
        guard case .run(let run) = expanded[9].kind else {
            Issue.record("not RUN")
            return
        }
        #expect(run.command == .shell("echo $V"))
        #expect(run.mounts.first?.target == "/c/v")
        for index in 10..<15 {
            #expect(expanded[index] == dockerfile.stages[0].instructions[index])
        }
    }

    @Test("expansion errors carry the instruction's line")
    func expansionErrorLine() throws {
        let dockerfile = try DockerfileParser.parse("FROM a\n\nWORKDIR ${X")
        #expect(throws: DockerfileError.self) { try dockerfile.stages[0].instructions[0].expanded(lookup: { _ in nil }) }
        do {
            _ = try dockerfile.stages[0].instructions[0].expanded(lookup: { _ in nil })
        } catch {
            #expect(error.line == 3)
        }
    }
}

@Suite("Pattern substitutions stay cheap on long values")
struct ShellPatternCostTests {
    @Test("prefix and suffix trimming are linear")
    func trimming() throws {
        let long = String(repeating: "a.", count: 50_000)
        let lexer = ShellLexer()
        #expect(try lexer.processWord("${V##*.}", lookup: { _ in long }) == "")
        #expect(try lexer.processWord("${V%%.*}", lookup: { _ in long }) == "a")
        #expect(try lexer.processWord("${V#*.}", lookup: { _ in long }).count == long.count - 2)
    }

    @Test("a replacement on a huge value is refused instead of running for minutes")
    func replacementBudget() {
        let long = String(repeating: "a", count: 100_000)
        #expect(throws: DockerfileError.self) {
            try ShellLexer().processWord("${V//*b/c}", lookup: { _ in long })
        }
    }
}
