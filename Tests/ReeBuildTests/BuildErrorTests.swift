import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

/// Bad Dockerfiles and contexts: a clear error, and nothing stored under the target name.
@Suite struct BuildErrorTests {
    func failure(_ files: [String: String], configure: (inout BuildOptions) -> Void = { _ in }) async throws -> (ReeError, ImageStore) {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(files)
        do {
            _ = try await BuildFixtures.build(project, in: store, tag: "target", configure: configure)
        } catch let e as ReeError {
            #expect(throws: ReeError.self, "no partial image under the target name") { try store.resolve("target") }
            return (e, store)
        }
        Issue.record("the build should have failed")
        throw ReeError(.invalidInput, "build did not fail")
    }

    @Test func syntaxErrorsNameTheLine() async throws {
        let (e, _) = try await failure(["Dockerfile": "FROM busybox\nRUN true\nFORM x\n"])
        #expect(e.message.contains("line 3"), "\(e.message)")
        #expect(e.message.lowercased().contains("unknown instruction"), "\(e.message)")
    }

    @Test func anUnknownBaseImageNamesTheAvailableOnes() async throws {
        let (e, _) = try await failure(["Dockerfile": "FROM nosuchimage\nRUN true\n"])
        #expect(e.message.contains("nosuchimage") && e.message.contains("busybox"), "\(e.message)")
    }

    @Test(arguments: ["missing.txt", "../outside.txt", "/etc/passwd"])
    func copyOfWhatIsNotInTheContextFailsWithThePath(source: String) async throws {
        let (e, _) = try await failure(["Dockerfile": "FROM busybox\nCOPY \(source) /x\n", "present.txt": "hi"])
        let name = source.split(separator: "/").last.map(String.init) ?? source
        #expect(e.message.contains(name) || e.message.contains(source), "\(e.message)")
        #expect(e.message.contains("line 2"), "\(e.message)")
    }

    @Test func aSymlinkInTheContextIsCopiedAsASymlinkAndNeverFollowedOut() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": "FROM busybox\nCOPY . /ctx/\n", "real.txt": "real"])
        try FileManager.default.createSymbolicLink(atPath: project + "/host-passwd", withDestinationPath: "/etc/passwd")
        _ = try await BuildFixtures.build(project, in: store, tag: "links")
        let out = try await BuildFixtures.run("links", in: store, ["sh", "-c", "readlink /ctx/host-passwd; cat /ctx/real.txt"])
        #expect(out.output == "/etc/passwd\nreal")
        // COPY through the link reads the context's (missing) etc/passwd, never the host's.
        let (e, _) = try await failure(["Dockerfile": "FROM busybox\nCOPY host-passwd/../etc/passwd /x\n"])
        #expect(e.code == .notFound, "\(e.message)")
    }

    @Test func aFailingRunReportsTheCommandAndItsStatus() async throws {
        let (e, _) = try await failure(["Dockerfile": "FROM busybox\nRUN echo before && exit 3\n"])
        #expect(e.message.contains("exited with status 3"), "\(e.message)")
        #expect(e.message.contains("echo before && exit 3"), "\(e.message)")
        #expect(e.message.contains("line 2"), "\(e.message)")
    }

    @Test func aStepPastItsTimeLimitIsKilledAndReported() async throws {
        // Were the limit not enforced, the step would run for ten minutes; the error says it was killed.
        let (e, _) = try await failure(["Dockerfile": "FROM busybox\nRUN sleep 600 & sleep 600\n"]) { $0.stepTimeout = .seconds(1) }
        #expect(e.code == .limitExceeded, "\(e.message)")
        #expect(e.message.contains("time limit"), "\(e.message)")
    }

    @Test func anUnknownTargetIsAClearError() async throws {
        let (e, _) = try await failure(["Dockerfile": "FROM busybox AS one\nRUN true\n"]) { $0.target = "two" }
        #expect(e.message.contains("two") && e.message.contains("one"), "\(e.message)")
    }
}
