import Foundation
import ReeBuild
import ReeOCI
import ReeTestSupport
import Testing

@Suite struct MultiStageTests {
    @Test func onlyTheStagesTheTargetNeedsAreBuiltAndCopyFromWorks() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": """
            ARG GREETING=hi
            FROM busybox AS unused
            RUN exit 1
            FROM busybox AS build
            ARG GREETING
            RUN mkdir /out && echo "$GREETING from build" > /out/msg
            FROM busybox
            COPY --from=build /out/msg /msg
            COPY --from=1 /etc/passwd /copied-passwd
            CMD ["cat", "/msg"]
            """])
        let result = try await BuildFixtures.build(project, in: store, tag: "multi") { $0.buildArguments = ["GREETING": "hello"] }
        #expect(try await BuildFixtures.run("multi", in: store).output == "hello from build\n")
        let base = try store.manifest(of: store.resolve("busybox"))
        let built = try store.manifest(of: result.image)
        #expect(built.layers.count == base.layers.count + 2)
    }

    @Test func targetStopsAtTheNamedStage() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": "FROM busybox AS first\nRUN echo one > /f\nFROM first\nRUN echo two > /f\n"])
        _ = try await BuildFixtures.build(project, in: store, tag: "t") { $0.target = "first" }
        #expect(try await BuildFixtures.run("t", in: store, ["cat", "/f"]).output == "one\n")
    }

    @Test func addExtractsLocalTarArchives() async throws {
        try Requirements.tool("tar")
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": "FROM busybox\nADD bundle.tar.gz /opt/\nADD plain.txt /opt/plain.txt\n", "plain.txt": "plain",
                                                  "src/a.txt": "A"])
        try Shell.check(["tar", "-C", project + "/src", "-czf", project + "/bundle.tar.gz", "a.txt"])
        _ = try await BuildFixtures.build(project, in: store, tag: "add")
        #expect(try await BuildFixtures.run("add", in: store, ["sh", "-c", "cat /opt/a.txt /opt/plain.txt"]).output == "Aplain")
    }

    @Test func copyExcludeLeavesMatchingFilesOut() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": "FROM busybox\nCOPY --exclude=**/*.log --exclude=tmp/ . /app/\n",
                                                  "keep.txt": "k", "noise.log": "n", "sub/deep.log": "d", "sub/ok.txt": "o", "tmp/x": "x"])
        _ = try await BuildFixtures.build(project, in: store, tag: "excl")
        let out = try await BuildFixtures.run("excl", in: store, ["sh", "-c", "cd /app && find . -type f | sort"])
        #expect(out.output == "./Dockerfile\n./keep.txt\n./sub/ok.txt\n")
    }

    @Test func copyParentsKeepsTheSourcePaths() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": "FROM busybox\nCOPY --parents a/b/*.txt x/y.txt /dest/\n",
                                                  "a/b/one.txt": "1", "a/b/two.txt": "2", "x/y.txt": "y", "a/skip.md": "s"])
        _ = try await BuildFixtures.build(project, in: store, tag: "parents")
        let out = try await BuildFixtures.run("parents", in: store, ["sh", "-c", "cd /dest && find . -type f | sort"])
        #expect(out.output == "./a/b/one.txt\n./a/b/two.txt\n./x/y.txt\n")
    }
}
