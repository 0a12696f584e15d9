import Testing

@testable import ReeDockerfile

@Suite("Parsing each instruction")
struct InstructionParsingTests {
    @Test(
        "FROM forms",
        arguments: [
            ("FROM busybox", FromInstruction(image: "busybox")),
            ("FROM busybox AS Build", FromInstruction(image: "busybox", name: "build")),
            ("from busybox as base", FromInstruction(image: "busybox", name: "base")),
            (
                "FROM --platform=linux/amd64 alpine:3.20 AS x", FromInstruction(image: "alpine:3.20", platform: "linux/amd64", name: "x")
            ),
            ("FROM ${BASE}", FromInstruction(image: "${BASE}")),
        ])
    func from(line: String, expected: FromInstruction) throws {
        let dockerfile = try DockerfileParser.parse(line)
        #expect(dockerfile.stages.first?.base == expected)
    }

    @Test(
        "RUN forms",
        arguments: [
            ("RUN echo hi", RunInstruction(command: .shell("echo hi"))),
            ("RUN [\"echo\", \"hi\"]", RunInstruction(command: .exec(["echo", "hi"]))),
            ("RUN --network=none make", RunInstruction(command: .shell("make"), network: RunNetwork.none)),
            ("RUN --network=host make", RunInstruction(command: .shell("make"), network: .host)),
            ("RUN   echo   $HOME  ", RunInstruction(command: .shell("echo   $HOME"))),
        ])
    func run(line: String, expected: RunInstruction) throws {
        #expect(try parseInstruction(line).kind == .run(expected))
    }

    @Test("RUN --mount specifications are typed")
    func runMounts() throws {
        let instruction = try parseInstruction(
            "RUN --mount=type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0755,uid=1000,gid=100 "
                + "--mount=type=bind,source=src,target=/src,from=build,rw "
                + "--mount=type=tmpfs,target=/tmp,size=64m "
                + "--mount=target=/ctx pip install .")
        guard case .run(let run) = instruction.kind else {
            Issue.record("not a RUN")
            return
        }
        #expect(run.command == .shell("pip install ."))
        #expect(run.mounts.count == 4)
        let cache = run.mounts[0]
        #expect(cache.type == .cache)
        #expect(cache.target == "/root/.cache")
        #expect(cache.id == "pip")
        #expect(cache.sharing == .locked)
        #expect(cache.mode == 0o755)
        #expect(cache.uid == 1000)
        #expect(cache.gid == 100)
        #expect(cache.readOnly == false)
        #expect(cache.cacheID == "pip")
        #expect(RunMount(type: .cache, target: "/root/.cache/").cacheID == "/root/.cache")
        let bind = run.mounts[1]
        #expect(bind.type == .bind)
        #expect(bind.source == "src")
        #expect(bind.from == "build")
        #expect(bind.readOnly == false)
        #expect(run.mounts[2].type == .tmpfs)
        #expect(run.mounts[2].size == Int64(67_108_864))
        #expect(run.mounts[3].type == .bind)
        #expect(run.mounts[3].readOnly == true)
    }

    @Test(
        "CMD and ENTRYPOINT forms",
        arguments: [
            ("CMD echo hi", Instruction.Kind.cmd(.shell("echo hi"))),
            ("CMD [\"a\", \"b c\"]", .cmd(.exec(["a", "b c"]))),
            ("CMD []", .cmd(.exec([]))),
            ("ENTRYPOINT [\"/bin/sh\", \"-c\"]", .entrypoint(.exec(["/bin/sh", "-c"]))),
            ("ENTRYPOINT exec app", .entrypoint(.shell("exec app"))),
            ("CMD [\"a\\u00e9\\n\"]", .cmd(.exec(["a\u{e9}\n"]))),
        ])
    func commandForms(line: String, expected: Instruction.Kind) throws {
        #expect(try parseInstruction(line).kind == expected)
    }

    @Test(
        "ENV and LABEL forms",
        arguments: [
            ("ENV A=1", Instruction.Kind.env([KeyValuePair(key: "A", value: "1")])),
            ("ENV A=1 B=\"two words\"", .env([.init(key: "A", value: "1"), .init(key: "B", value: "\"two words\"")])),
            ("ENV A one two  three", .env([.init(key: "A", value: "one two  three")])),
            ("ENV A=", .env([.init(key: "A", value: "")])),
            ("ENV A=a\\ b", .env([.init(key: "A", value: "a\\ b")])),
            ("LABEL a=b c=\"d e\"", .label([.init(key: "a", value: "b"), .init(key: "c", value: "\"d e\"")])),
            ("LABEL version 1.0", .label([.init(key: "version", value: "1.0")])),
            ("LABEL \"com.example.key\"=value", .label([.init(key: "\"com.example.key\"", value: "value")])),
        ])
    func keyValues(line: String, expected: Instruction.Kind) throws {
        #expect(try parseInstruction(line).kind == expected)
    }

    @Test(
        "simple single-argument instructions",
        arguments: [
            ("MAINTAINER Jane <jane@example.com>", Instruction.Kind.maintainer("Jane <jane@example.com>")),
            ("USER 1000:1000", .user(UserInstruction(spec: "1000:1000"))),
            ("WORKDIR /opt/app", .workdir("/opt/app")),
            ("WORKDIR $APP_HOME", .workdir("$APP_HOME")),
            ("STOPSIGNAL SIGTERM", .stopSignal("SIGTERM")),
            ("EXPOSE 8080/tcp 53/udp 80", .expose(["8080/tcp", "53/udp", "80"])),
            ("VOLUME [\"/var/data\"]", .volume(["/var/data"])),
            ("VOLUME /a /b", .volume(["/a", "/b"])),
            ("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", .shell(["/bin/bash", "-o", "pipefail", "-c"])),
        ])
    func simple(line: String, expected: Instruction.Kind) throws {
        #expect(try parseInstruction(line).kind == expected)
    }

    @Test("USER splits into user and group")
    func userSpec() {
        #expect(UserInstruction(spec: "1000:1000").user == "1000")
        #expect(UserInstruction(spec: "1000:1000").group == "1000")
        #expect(UserInstruction(spec: "root").group == nil)
        #expect(UserInstruction(spec: "app:").group == "")
    }

    @Test(
        "ARG forms",
        arguments: [
            ("ARG A", [ArgumentDeclaration(name: "A")]),
            ("ARG A=1", [ArgumentDeclaration(name: "A", defaultValue: "1")]),
            ("ARG A=1 B C=", [.init(name: "A", defaultValue: "1"), .init(name: "B"), .init(name: "C", defaultValue: "")]),
            ("ARG A=\"x y\"", [.init(name: "A", defaultValue: "\"x y\"")]),
        ])
    func arg(line: String, expected: [ArgumentDeclaration]) throws {
        #expect(try parseInstruction(line).kind == .arg(expected))
    }

    @Test("COPY flags and sources")
    func copy() throws {
        let instruction = try parseInstruction(
            "COPY --from=build --chown=app:app --chmod=0644 --link --parents --exclude=*.md a b /dest/")
        #expect(
            instruction.kind
                == .copy(
                    CopyInstruction(
                        sources: [.path("a"), .path("b")], destination: "/dest/", from: "build", chown: "app:app",
                        chmod: "0644", link: true, parents: true, excludes: ["*.md"])))
        let json = try parseInstruction("COPY [\"a b\", \"/c d/\"]")
        #expect(json.kind == .copy(CopyInstruction(sources: [.path("a b")], destination: "/c d/")))
        let noLink = try parseInstruction("COPY --link=false a b")
        #expect(noLink.kind == .copy(CopyInstruction(sources: [.path("a")], destination: "b")))
    }

    @Test("ADD flags")
    func add() throws {
        let instruction = try parseInstruction(
            "ADD --chown=1:2 --chmod=755 --checksum=sha256:abc --keep-git-dir https://example.com/x.tgz /x")
        #expect(
            instruction.kind
                == .add(
                    AddInstruction(
                        sources: [.path("https://example.com/x.tgz")], destination: "/x", chown: "1:2", chmod: "755",
                        checksum: "sha256:abc", keepGitDirectory: true)))
    }

    @Test("HEALTHCHECK options are typed")
    func healthcheck() throws {
        let instruction = try parseInstruction(
            "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --start-interval=250ms --retries=3 CMD curl -f http://localhost/")
        let expected = HealthcheckConfiguration(
            command: .shell("curl -f http://localhost/"), interval: .seconds(30), timeout: .seconds(90),
            startPeriod: .milliseconds(1500), startInterval: .milliseconds(250), retries: 3)
        #expect(instruction.kind == .healthcheck(.check(expected)))
        #expect(expected.test == ["CMD-SHELL", "curl -f http://localhost/"])
        #expect(Duration.seconds(90).totalNanoseconds == 90_000_000_000)
        #expect(try parseInstruction("HEALTHCHECK NONE").kind == .healthcheck(.none))
        let exec = try parseInstruction("HEALTHCHECK CMD [\"/bin/check\"]")
        #expect(exec.kind == .healthcheck(.check(HealthcheckConfiguration(command: .exec(["/bin/check"])))))
    }

    @Test("ONBUILD parses its trigger")
    func onbuild() throws {
        let instruction = try parseInstruction("ONBUILD RUN make install")
        guard case .onbuild(let onbuild) = instruction.kind else {
            Issue.record("not ONBUILD")
            return
        }
        #expect(onbuild.trigger.kind == .run(RunInstruction(command: .shell("make install"))))
        #expect(onbuild.expression == "RUN make install")
        #expect(onbuild.trigger.line == 2)
    }

    @Test("keywords are case-insensitive and lines keep their numbers")
    func linesAndCase() throws {
        let dockerfile = try DockerfileParser.parse("from a\n\n# c\nrun x\n  Workdir /w\n")
        let instructions = try #require(dockerfile.stages.first).instructions
        #expect(instructions.map(\.line) == [4, 5])
        #expect(instructions.map(\.keyword) == ["RUN", "WORKDIR"])
        #expect(instructions[1].source == "Workdir /w")
    }

    @Test("stages and global ARGs")
    func stages() throws {
        let dockerfile = try DockerfileParser.parse(
            "ARG A=1\nARG B\nFROM x AS one\nRUN a\nFROM one\nCOPY --from=one /a /b\n")
        #expect(dockerfile.globalArguments.count == 2)
        #expect(dockerfile.stages.count == 2)
        #expect(dockerfile.stages[0].name == "one")
        #expect(dockerfile.stages[1].name == nil)
        #expect(dockerfile.stages[1].index == 1)
        #expect(dockerfile.stageIndex(for: "ONE") == 0)
        #expect(dockerfile.stageIndex(for: "1") == 1)
        #expect(dockerfile.stage(named: "one")?.instructions.count == 1)
    }
}
