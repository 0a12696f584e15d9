import Foundation
import ReeBuild
import ReeOCI
import ReeTestSupport
import Testing

/// `RUN --mount=type=cache|tmpfs`: what a step writes there is seen by the step (a cache by later
/// builds too) and never lands in a layer.
@Suite struct RunMountTests {
    @Test func aCacheMountOutlivesTheBuildAndStaysOutOfTheImage() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": """
            FROM busybox
            RUN --mount=type=cache,target=/var/cache/thing,id=thing,mode=0700 \
                echo run >> /var/cache/thing/runs && wc -l < /var/cache/thing/runs > /runs && \
                stat -c %a /var/cache/thing > /cache-mode
            """])
        _ = try await BuildFixtures.build(project, in: store, tag: "cache1") { $0.noCache = true }
        _ = try await BuildFixtures.build(project, in: store, tag: "cache2") { $0.noCache = true }
        #expect(try await BuildFixtures.run("cache1", in: store, ["cat", "/runs"]).output.trimmingCharacters(in: .whitespaces) == "1\n")
        #expect(try await BuildFixtures.run("cache2", in: store, ["cat", "/runs"]).output.trimmingCharacters(in: .whitespaces) == "2\n")
        #expect(try await BuildFixtures.run("cache2", in: store, ["cat", "/cache-mode"]).output == "700\n")
        let listing = try await BuildFixtures.run("cache2", in: store, ["sh", "-c", "ls -A /var/cache/thing 2>/dev/null | wc -l"])
        #expect(listing.output.trimmingCharacters(in: .whitespaces) == "0\n")
    }

    @Test func aTmpfsMountIsWritableByAllAndLeavesNothing() async throws {
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": """
            FROM busybox
            RUN --mount=type=tmpfs,target=/scratch \
                stat -c %a /scratch > /scratch-mode && echo data > /scratch/file && cat /scratch/file > /copied
            """])
        _ = try await BuildFixtures.build(project, in: store, tag: "tmpfs")
        let out = try await BuildFixtures.run("tmpfs", in: store, ["sh", "-c", "cat /scratch-mode /copied; ls -A /scratch 2>/dev/null | wc -l"])
        #expect(out.output.replacingOccurrences(of: " ", with: "") == "1777\ndata\n0\n")
    }
}
