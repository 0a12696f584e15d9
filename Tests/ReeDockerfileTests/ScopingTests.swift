import Testing

@testable import ReeDockerfile

@Suite("ARG and ENV scoping")
struct ScopingTests {
    /// Applies every instruction of stage `index` and returns the expanded instructions and the final state.
    static func walk(
        _ text: String, stage index: Int = 0, buildArguments: [String: String] = [:], imageEnvironment: [String] = []
    ) throws -> (instructions: [Instruction], environment: StageEnvironment) {
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile, buildArguments: buildArguments)
        var environment = scope.environment(imageEnvironment: imageEnvironment)
        var instructions: [Instruction] = []
        for instruction in dockerfile.stages[index].instructions {
            instructions.append(try environment.apply(instruction))
        }
        return (instructions, environment)
    }

    @Test("a global ARG is visible in FROM but not in the stage unless redeclared")
    func globalOnlyInFrom() throws {
        let text = "ARG BASE=busybox\nARG TAG=1\nFROM ${BASE}:${TAG} AS one\nWORKDIR /$BASE\nARG BASE\nWORKDIR /$BASE/$TAG\n"
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile)
        #expect(try scope.resolvedBase(of: dockerfile.stages[0]) == FromInstruction(image: "busybox:1", name: "one"))
        let (instructions, _) = try Self.walk(text)
        #expect(instructions[0].kind == .workdir("/"))
        #expect(instructions[1].kind == .arg([ArgumentDeclaration(name: "BASE", defaultValue: "busybox")]))
        #expect(instructions[2].kind == .workdir("/busybox/"))
    }

    @Test("build arguments override defaults of declared ARGs only")
    func buildArgumentOverride() throws {
        let text = "ARG BASE=busybox\nFROM $BASE\nARG BASE\nARG V=1\nARG W=2\nENV OUT=$BASE-$V-$W-$UNDECLARED\n"
        let arguments = ["BASE": "alpine", "V": "9", "UNDECLARED": "x"]
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile, buildArguments: arguments)
        #expect(try scope.resolvedBase(of: dockerfile.stages[0]).image == "alpine")
        let (instructions, environment) = try Self.walk(text, buildArguments: arguments)
        #expect(instructions[3].kind == .env([KeyValuePair(key: "OUT", value: "alpine-9-2-")]))
        #expect(environment.imageEnvironment == ["OUT=alpine-9-2-"])
        #expect(scope.unusedBuildArguments == ["UNDECLARED"])
    }

    @Test("an ARG is visible from its line to the end of its stage only")
    func stageLocal() throws {
        let text = "FROM a\nWORKDIR /$V\nARG V=1\nWORKDIR /$V\nFROM b\nWORKDIR /$V\n"
        #expect(try Self.walk(text).instructions.map(\.kind) == [.workdir("/"), .arg([.init(name: "V", defaultValue: "1")]), .workdir("/1")])
        #expect(try Self.walk(text, stage: 1).instructions.map(\.kind) == [.workdir("/")])
    }

    @Test("ENV wins over ARG of the same name, in either order")
    func envOverridesArg() throws {
        let text = "FROM a\nARG V=arg\nENV V=env\nWORKDIR /$V\nARG V=again\nWORKDIR /$V\n"
        let (instructions, environment) = try Self.walk(text, buildArguments: ["V": "cli"])
        #expect(instructions[2].kind == .workdir("/env"))
        #expect(instructions[4].kind == .workdir("/env"))
        #expect(environment.runEnvironment == ["V=env"])
    }

    @Test("ARG defaults may use earlier ARGs and ENV; one ENV expands with the state before it")
    func orderWithinInstructions() throws {
        let text = "FROM a\nARG A=1 B=${A}2\nENV A=x C=$A\nENV D=$A\n"
        let (instructions, environment) = try Self.walk(text)
        #expect(instructions[0].kind == .arg([.init(name: "A", defaultValue: "1"), .init(name: "B", defaultValue: "12")]))
        #expect(instructions[1].kind == .env([.init(key: "A", value: "x"), .init(key: "C", value: "1")]))
        #expect(instructions[2].kind == .env([.init(key: "D", value: "x")]))
        #expect(environment.imageEnvironment == ["A=x", "C=1", "D=x"])
        #expect(environment.runEnvironment == ["A=x", "C=1", "D=x", "B=12"])
    }

    @Test("the base image environment takes part and is replaced in place")
    func imageEnvironment() throws {
        let (instructions, environment) = try Self.walk(
            "FROM a\nENV PATH=/opt/bin:$PATH\nWORKDIR $HOME\n", imageEnvironment: ["PATH=/usr/bin", "HOME=/root"])
        #expect(instructions[1].kind == .workdir("/root"))
        #expect(environment.imageEnvironment == ["PATH=/opt/bin:/usr/bin", "HOME=/root"])
    }

    @Test("platform arguments: automatic in FROM, in a stage after ARG")
    func platformArguments() throws {
        let text = "FROM --platform=$BUILDPLATFORM base-$TARGETARCH\nRUN echo\nARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDOS BUILDARCH\nENV P=$TARGETPLATFORM/$TARGETOS/$TARGETARCH/$TARGETVARIANT/$BUILDOS/$BUILDARCH\n"
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile)
        #expect(try scope.resolvedBase(of: dockerfile.stages[0]) == FromInstruction(image: "base-amd64", platform: "linux/amd64"))
        let (instructions, environment) = try Self.walk(text)
        #expect(instructions[2].kind == .env([.init(key: "P", value: "linux/amd64/linux/amd64//linux/amd64")]))
        #expect(environment.value(of: "TARGETARCH") == "amd64")
        #expect(BuildScope.platformArguments(target: .linuxAMD64, build: .linuxAMD64)["BUILDPLATFORM"] == "linux/amd64")
        #expect(BuildPlatform(parsing: "linux/arm/v7") == BuildPlatform(os: "linux", architecture: "arm", variant: "v7"))
    }

    @Test("predefined proxy arguments need no ARG and reach RUN")
    func predefined() throws {
        let (instructions, environment) = try Self.walk(
            "FROM a\nWORKDIR /$HTTP_PROXY\n", buildArguments: ["HTTP_PROXY": "proxy", "OTHER": "x"])
        #expect(instructions[0].kind == .workdir("/proxy"))
        #expect(environment.runEnvironment == ["HTTP_PROXY=proxy"])
        #expect(environment.imageEnvironment == [])
    }

    @Test("a global ARG without a value stays unset unless given")
    func globalWithoutValue() throws {
        let text = "ARG V\nFROM img${V}\nARG V\nWORKDIR /${V:-none}\n"
        #expect(try Self.walk(text).instructions[1].kind == .workdir("/none"))
        #expect(try Self.walk(text, buildArguments: ["V": "x"]).instructions[1].kind == .workdir("/x"))
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile, buildArguments: ["V": ":2"])
        #expect(try scope.resolvedBase(of: dockerfile.stages[0]).image == "img:2")
    }

    @Test("ARG values are in the RUN environment but not the image environment")
    func argInRun() throws {
        let (_, environment) = try Self.walk("FROM a\nARG V=1\nARG UNSET\nENV E=2\n")
        #expect(environment.runEnvironment == ["E=2", "V=1"])
        #expect(environment.imageEnvironment == ["E=2"])
        #expect(environment.value(of: "UNSET") == nil)
    }

    @Test("global ARG defaults may refer to earlier global ARGs")
    func globalChain() throws {
        let dockerfile = try DockerfileParser.parse("ARG A=alpine\nARG B=${A}:3\nFROM $B\n")
        #expect(try BuildScope(dockerfile: dockerfile).resolvedBase(of: dockerfile.stages[0]).image == "alpine:3")
        #expect(try BuildScope(dockerfile: dockerfile, buildArguments: ["A": "x"]).globalValues["B"] == "x:3")
    }
}

@Suite("Expansion limits")
struct ExpansionLimitTests {
    @Test("a value that doubles on every ENV stops with an error, not an exhausted machine")
    func doubling() throws {
        let text = "FROM a\nENV A=0123456789abcdef\n" + String(repeating: "ENV A=$A$A\n", count: 40)
        let dockerfile = try DockerfileParser.parse(text)
        var environment = try BuildScope(dockerfile: dockerfile).environment()
        var failedAt: Int?
        for instruction in dockerfile.stages[0].instructions {
            do {
                _ = try environment.apply(instruction)
            } catch {
                failedAt = error.line
                break
            }
        }
        #expect(failedAt == 22)
    }
}
