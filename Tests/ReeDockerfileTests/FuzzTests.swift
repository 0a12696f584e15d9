import Foundation
import Testing

@testable import ReeDockerfile

/// Property: parsing, expanding and ignore-matching never trap, whatever the input.
@Suite("Fuzzing: nothing traps on mutated input")
struct FuzzTests {
    static let handWritten: [String] = [
        "FROM a\nRUN echo hi\n",
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN dir `\n  c:\\\nCOPY a b\n",
        "ARG A=1\nARG B=${A:-x}\nFROM ${B} AS s\nARG A\nENV X=${A:+y} Y=\"$A z\"\nWORKDIR /$X\n",
        "FROM a\nRUN <<EOF\nline $V\nEOF\nCOPY <<-'A' <<B /d/\n\tx\n\tA\n${Y}\nB\n",
        "FROM a\nRUN --mount=type=cache,target=/c,id=x,sharing=locked,mode=0700,uid=1,gid=2 --network=none make\n",
        "FROM a\nHEALTHCHECK --interval=1m --timeout=3s --retries=2 CMD [\"/bin/check\", \"-v\"]\nHEALTHCHECK NONE\n",
        "FROM a\nONBUILD RUN <<EOF\nx\nEOF\nONBUILD COPY . /app\n",
        "FROM a\nLABEL a=b \"c d\"='e f' g=\"${H}\"\nLABEL legacy value here\nENV K V W\n",
        "FROM a\nVOLUME [\"/a\", \"/b\"]\nVOLUME /c /d\nEXPOSE 80 443/tcp ${P}\nUSER u:g\nSTOPSIGNAL SIGKILL\n",
        "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nCMD [\"x\", \"\\u00e9\\ud83d\\ude00\"]\nENTRYPOINT [\"a\"] \n",
        "FROM a\nADD --chown=1:1 --chmod=644 --checksum=sha256:0 https://x/y.tgz /y\nCOPY --from=0 --link /a /b\n",
        "FROM a AS one\nRUN a \\\n  # comment\n\n  && b\nFROM one\nCOPY --from=one /x /y\n",
        "FROM a\nENV P=${PATH/bin/sbin} Q=${PATH//:/ } R=${F#*.} S=${F%%.*}\n",
        "FROM --platform=$BUILDPLATFORM a\nARG TARGETARCH\nRUN echo $TARGETARCH\n",
        "ignored/\n**/*.log\n!ignored/keep\n[a-z]?.txt\n\\*x\n/abs/../path\n",
    ]

    static let insertions: [String] = [
        "\\", "<<", "<<-", "$", "{", "}", "${", "\"", "'", "[", "]", "\n", "`", "=", ":", "-", "*", "?",
        "<<EOF\n", "\nEOF\n", "# escape=`\n", "--mount=", "--", "\r\n", " \\\n", "\u{00E9}", "\u{1F600}", "\u{FEFF}",
        "\t", "#", "!", "${A:-${B:+", "[\"", "\"]", ",", "\\u", "\u{0}",
    ]

    static func mutate(_ text: String, using generator: inout SeededGenerator) -> String {
        var bytes = Array(text.utf8)
        let count = Int.random(in: 1...8, using: &generator)
        for _ in 0..<count {
            switch Int.random(in: 0..<7, using: &generator) {
            case 0 where !bytes.isEmpty:
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] ^= UInt8.random(in: 1...255, using: &generator)
            case 1:
                let token = Array(insertions.randomElement(using: &generator).map { $0.utf8 } ?? "x".utf8)
                let index = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(contentsOf: token, at: index)
            case 2 where !bytes.isEmpty:
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let length = Int.random(in: 1...min(8, bytes.count - start), using: &generator)
                bytes.removeSubrange(start..<(start + length))
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &generator)...)
            case 4:
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                if let index = lines.indices.randomElement(using: &generator) {
                    lines.insert(lines[index], at: index)
                }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 5:
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                if lines.count > 1 {
                    lines.swapAt(
                        Int.random(in: 0..<lines.count, using: &generator), Int.random(in: 0..<lines.count, using: &generator))
                }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            default:
                let index = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs everything a build would run on `text`; errors are fine, traps are not.
    static func exercise(_ text: String) {
        if let dockerfile = try? DockerfileParser.parse(text) {
            let lineCount = text.unicodeScalars.count { $0 == "\n" } + 1
            var previousLine = 0
            for instruction in dockerfile.globalArguments + dockerfile.stages.flatMap({ [$0.from] + $0.instructions }) {
                #expect(instruction.line >= 1 && instruction.line <= instruction.endLine && instruction.endLine <= lineCount)
                #expect(instruction.line > previousLine)
                previousLine = instruction.endLine
            }
            let arguments = ["A": "1", "HTTP_PROXY": "p", "V": "${V}"]
            if let scope = try? BuildScope(dockerfile: dockerfile, buildArguments: arguments) {
                for stage in dockerfile.stages {
                    _ = try? scope.resolvedBase(of: stage)
                    var environment = scope.environment(imageEnvironment: ["PATH=/bin:/usr/bin", "F=a.b.c", "BROKEN"])
                    for instruction in stage.instructions {
                        _ = try? environment.apply(instruction)
                        if case .onbuild(let onbuild) = instruction.kind {
                            _ = try? DockerfileParser.parseInstruction(onbuild.expression, escape: dockerfile.escape)
                        }
                    }
                    _ = environment.runEnvironment
                }
            }
        }
        let lexer = ShellLexer()
        for line in text.split(separator: "\n").prefix(20) {
            _ = try? lexer.processWords(String(line)) { $0.count % 2 == 0 ? nil : "v a l" }
        }
        if let ignore = try? DockerIgnore(text: text) {
            for path in ["a", "ignored/keep", "x/y.log", "ab.txt", "*x", "path/sub"] {
                _ = ignore.isExcluded(path)
                _ = ignore.shouldDescend(into: path)
            }
        }
    }

    @Test("thousands of seeded mutations of the samples and hand-written Dockerfiles")
    func mutations() throws {
        let corpus = Self.handWritten + (try sampleDockerfiles().sorted { $0.key < $1.key }.map(\.value))
        var generator = SeededGenerator(seed: 0x5EED_D0C4_E8F1_1E00)
        var parsed = 0
        let iterations = 10_000
        for iteration in 0..<iterations {
            let base = corpus[iteration % corpus.count]
            let mutated = Self.mutate(base, using: &generator)
            Self.exercise(mutated)
            if (try? DockerfileParser.parse(mutated)) != nil { parsed += 1 }
        }
        // Both outcomes must occur, or the mutations are too weak or too strong to mean much.
        #expect(parsed > iterations / 10)
        #expect(parsed < iterations)
    }

    @Test("random token soup")
    func tokenSoup() {
        let keywords = InstructionParser.keywords + ["FROM a", "ONBUILD", "# syntax=x", "ARG", "from"]
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<3_000 {
            var text = "FROM a\n"
            for _ in 0..<Int.random(in: 1...30, using: &generator) {
                if Bool.random(using: &generator), let keyword = keywords.randomElement(using: &generator) {
                    text += keyword + " "
                } else if let token = Self.insertions.randomElement(using: &generator) {
                    text += token
                }
            }
            Self.exercise(text)
        }
    }

    @Test(
        "pathological inputs",
        arguments: [
            String(repeating: "\\\n", count: 5_000),
            "FROM a\nRUN " + String(repeating: "<<EOF ", count: 2_000),
            "FROM a\nENV A=" + String(repeating: "${A:-", count: 3_000),
            "FROM a\nCMD " + String(repeating: "[", count: 50_000),
            "FROM a\nRUN " + String(repeating: "\"", count: 10_001),
            String(repeating: "# escape=`\n", count: 3),
            "FROM a\nRUN --mount=" + String(repeating: "\"", count: 999) + " x",
            String(repeating: "**/", count: 500) + "x",
            "\u{0}\u{FFFF}\u{10FFFF}",
            "",
        ])
    func pathological(text: String) {
        Self.exercise(text)
        Self.exercise("FROM a\n" + text)
    }
}
