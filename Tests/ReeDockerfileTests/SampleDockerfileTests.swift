import Foundation
import Testing

@testable import ReeDockerfile

@Suite("The sample projects' Dockerfiles")
struct SampleDockerfileTests {
    @Test("every sample parses and expands")
    func allSamplesParse() throws {
        let samples = try sampleDockerfiles()
        #expect(samples.count >= 4)
        for (name, text) in samples {
            let dockerfile = try DockerfileParser.parse(text)
            #expect(!dockerfile.stages.isEmpty, "\(name)")
            let scope = try BuildScope(dockerfile: dockerfile)
            for stage in dockerfile.stages {
                _ = try scope.resolvedBase(of: stage)
                var environment = scope.environment()
                for instruction in stage.instructions { _ = try environment.apply(instruction) }
            }
        }
    }

    @Test("dockerfile-syntax has the expected structure")
    func dockerfileSyntax() throws {
        let text = try #require(try sampleDockerfiles()["dockerfile-syntax"])
        let dockerfile = try DockerfileParser.parse(text)
        #expect(dockerfile.syntax == "docker/dockerfile:1")
        #expect(dockerfile.globalArguments.map(\.kind) == [.arg([ArgumentDeclaration(name: "BASE", defaultValue: "busybox")])])
        #expect(dockerfile.stages.count == 1)
        let stage = dockerfile.stages[0]
        #expect(stage.name == "base")
        #expect(stage.base.image == "${BASE}")
        let kinds = stage.instructions.map(\.kind)

        let heredocRun = RunInstruction(
            command: .shell("<<EOT"),
            heredocs: [Heredoc(name: "EOT", content: "echo \"base=${BASE} version=${APP_VERSION}\" > info.txt\nmkdir -p /etc/app\n")])
        #expect(kinds.contains(.run(heredocRun)))
        let config = CopyInstruction(
            sources: [.heredoc(Heredoc(name: "EOF", content: "[app]\nhome = /opt/app\n"))], destination: "/etc/app/config.ini")
        #expect(kinds.contains(.copy(config)))
        #expect(kinds.contains(.run(RunInstruction(command: .exec(["/bin/sh", "-c", "echo json-form >> info.txt"])))))
        let continued = stage.instructions.first { $0.source.hasPrefix("RUN printf") }
        guard case .run(let run) = continued?.kind, case .shell(let command) = run.command else {
            Issue.record("continued RUN not found")
            return
        }
        let squeezed = command.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(squeezed == "printf \"continued\" >> info.txt && echo \"line\" >> info.txt")
        #expect(!command.contains("comment"))
        #expect(continued?.line == 23)
        #expect(continued?.endLine == 25)
        #expect(kinds.contains(.shell(["/bin/sh", "-eu", "-c"])))
        #expect(kinds.contains(.user(UserInstruction(spec: "1000:1000"))))
        #expect(kinds.contains(.expose(["8080/tcp"])))
        #expect(kinds.contains(.volume(["/var/data"])))
        #expect(kinds.contains(.stopSignal("SIGTERM")))
        #expect(kinds.contains(.entrypoint(.exec(["/bin/sh", "-c"]))))
        #expect(kinds.contains(.cmd(.exec(["cat /opt/app/data/info.txt"]))))
    }

    @Test("dockerfile-syntax expands as the expectations say")
    func dockerfileSyntaxExpansion() throws {
        let text = try #require(try sampleDockerfiles()["dockerfile-syntax"])
        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile)
        #expect(try scope.resolvedBase(of: dockerfile.stages[0]).image == "busybox")
        var environment = scope.environment(imageEnvironment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"])
        var workdirs: [String] = []
        var labels: [KeyValuePair] = []
        for instruction in dockerfile.stages[0].instructions {
            let expanded = try environment.apply(instruction)
            switch expanded.kind {
            case .workdir(let path): workdirs.append(path)
            case .label(let pairs): labels += pairs
            default: break
            }
        }
        #expect(workdirs == ["/opt/app", "data"])
        #expect(
            labels == [
                KeyValuePair(key: "org.opencontainers.image.title", value: "syntax sample"),
                KeyValuePair(key: "org.opencontainers.image.version", value: "1.2.3"),
            ])
        #expect(environment.imageEnvironment == ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "APP_HOME=/opt/app", "APP_VERSION=1.2.3"])
        #expect(environment.runEnvironment.contains("BASE=busybox"))
        #expect(environment.runEnvironment.contains("VERSION=1.2.3"))
    }

    @Test("multistage-c has two stages and COPY --from")
    func multistage() throws {
        let text = try #require(try sampleDockerfiles()["multistage-c"])
        let dockerfile = try DockerfileParser.parse(text)
        #expect(dockerfile.stages.map(\.name) == ["build", nil])
        #expect(dockerfile.stages[0].base.image == "debian_bookworm")
        let copy = dockerfile.stages[1].instructions.first
        #expect(copy?.kind == .copy(CopyInstruction(sources: [.path("/out/hello")], destination: "/usr/local/bin/hello", from: "build")))
        #expect(dockerfile.stageIndex(for: "build") == 0)
    }

    @Test("python-app and hello-busybox")
    func simpleSamples() throws {
        let python = try DockerfileParser.parse(try #require(try sampleDockerfiles()["python-app"]))
        let run = python.stages[0].instructions[0]
        #expect(run.line == 2)
        #expect(run.endLine == 4)
        let hello = try DockerfileParser.parse(try #require(try sampleDockerfiles()["hello-busybox"]))
        #expect(hello.stages[0].instructions.first?.kind == .env([KeyValuePair(key: "GREETING", value: "\"hello from ree\"")]))
        var environment = try BuildScope(dockerfile: hello).environment()
        let expanded = try environment.apply(hello.stages[0].instructions[0])
        #expect(expanded.kind == .env([KeyValuePair(key: "GREETING", value: "hello from ree")]))
    }

    @Test("the dockerfile-syntax .dockerignore file")
    func sampleIgnore() throws {
        let path = samplesDirectory().appendingPathComponent("dockerfile-syntax/.dockerignore")
        let ignore = try DockerIgnore(text: try String(contentsOf: path, encoding: .utf8))
        #expect(ignore.isExcluded("ignored/anything"))
        #expect(ignore.isExcluded("src/x.log"))
        #expect(!ignore.isExcluded("src/keep.txt"))
    }
}
