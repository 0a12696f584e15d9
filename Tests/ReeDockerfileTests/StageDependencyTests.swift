import Testing

@testable import ReeDockerfile

@Suite("Stage dependencies")
struct StageDependencyTests {
    static let text = """
        ARG BASE=build
        FROM alpine AS build
        RUN make
        FROM alpine AS docs
        RUN make docs
        FROM ${BASE} AS test
        RUN --mount=type=bind,from=docs,target=/docs test
        FROM scratch
        COPY --from=0 /out /out
        COPY --from=busybox:latest /bin/sh /bin/sh
        """

    @Test("base, COPY --from and mount from= are dependencies; images are not")
    func dependencies() throws {
        let dockerfile = try DockerfileParser.parse(Self.text)
        let scope = try BuildScope(dockerfile: dockerfile)
        #expect(try scope.stageDependencies(of: dockerfile.stages[2], in: dockerfile) == [0, 1])
        #expect(try scope.stageDependencies(of: dockerfile.stages[3], in: dockerfile) == [0])
        #expect(try scope.stagesNeeded(for: 3, in: dockerfile) == [0, 3])
        #expect(try scope.stagesNeeded(for: 2, in: dockerfile) == [0, 1, 2])
        let other = try BuildScope(dockerfile: dockerfile, buildArguments: ["BASE": "alpine"])
        #expect(try other.stagesNeeded(for: 2, in: dockerfile) == [1, 2])
    }
}
