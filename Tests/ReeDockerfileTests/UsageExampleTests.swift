import Testing

@testable import ReeDockerfile

@Suite("The usage example from the module report")
struct UsageExampleTests {
    @Test("parse, resolve the base, walk stage 1 with expansion")
    func walkSecondStage() throws {
        let text = "ARG TAG=3\nFROM alpine:${TAG} AS build\nRUN make\nFROM busybox\nARG TAG\nWORKDIR /app-$TAG\nCOPY --from=build /out /app\nRUN echo $TAG\n"
        var log: [String] = []

        let dockerfile = try DockerfileParser.parse(text)
        let scope = try BuildScope(dockerfile: dockerfile, buildArguments: ["TAG": "4"])
        let stage = dockerfile.stages[1]
        let base = try scope.resolvedBase(of: stage)  // FROM with global ARGs expanded
        var environment = scope.environment(imageEnvironment: ["PATH=/bin"])  // base image config Env
        for instruction in stage.instructions {
            let expanded = try environment.apply(instruction)  // expands words, updates ARG/ENV
            switch expanded.kind {
            case .workdir(let path): log.append("workdir \(path)")
            case .copy(let copy): log.append("copy from \(copy.from ?? "context") to \(copy.destination)")
            case .run(let run): log.append("run \(run.invocation().arguments) env \(environment.runEnvironment)")
            default: break
            }
        }

        #expect(base.image == "busybox")
        #expect(
            log == [
                "workdir /app-4", "copy from build to /app",
                "run [\"/bin/sh\", \"-c\", \"echo $TAG\"] env [\"PATH=/bin\", \"TAG=4\"]",
            ])
    }
}
