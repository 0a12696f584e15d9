import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

/// `COPY --link` / `ADD --link` as BuildKit means it: the layer is made over nothing, so it does
/// not depend on the layers below (a symlink there is not followed, parents are fresh root 0755
/// directories), and its cache key leaves the parent out, so a changed base reuses it.
@Suite struct CopyLinkTests {
    @Test func aLinkLayerHoldsOnlyItsFilesAndFreshParentsAndDoesNotFollowASymlinkBelow() async throws {
        try Requirements.tool("umoci")
        try Requirements.tool("skopeo")
        let store = try AddURLTests.emptyStore()
        let project = try BuildFixtures.project([
            "Dockerfile": """
                FROM scratch
                COPY tree/ /
                COPY --link --chown=7:8 f.txt /app/sub/f.txt
                """,
            "f.txt": "linked\n",
            "tree/target/keep.txt": "kept\n",
        ])
        // In the lower layer /app is a symlink to /target (with a 0700 directory the link must not copy up).
        try FileManager.default.createSymbolicLink(atPath: project + "/tree/app", withDestinationPath: "target")
        chmod(project + "/tree/target", 0o700)
        let result = try await BuildFixtures.build(project, in: store)
        let layers = try LayerEntry.layers(of: result.image, in: store)
        try #require(layers.count == 2)
        #expect(layers[0]["app"]?.type == "2", "the lower layer has the symlink")

        let link = layers[1]
        #expect(Set(link.keys) == ["app", "app/sub", "app/sub/f.txt"], "\(link.keys.sorted())")
        for dir in ["app", "app/sub"] {
            let entry = try #require(link[dir])
            #expect(entry.type == "5" && entry.mode == 0o755 && entry.uid == 0 && entry.gid == 0, "\(dir): \(entry)")
        }
        let file = try #require(link["app/sub/f.txt"])
        #expect(file.uid == 7 && file.gid == 8 && file.data == "linked\n")

        // Applied by another tool: /app becomes a directory, /target is untouched.
        let dir = try makeTemporaryDirectory()
        let tar = dir + "/image.tar"
        try store.exportArchive("built", toPath: tar)
        #expect(try Shell.run(["skopeo", "inspect", "oci-archive:\(tar)"]).succeeded)
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "oci:\(dir)/layout:l"])
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:l", "\(dir)/unpacked"])
        let root = dir + "/unpacked/rootfs"
        #expect(try Shell.check(["stat", "-c", "%F", root + "/app"]) == "directory\n")
        #expect(try String(contentsOfFile: root + "/app/sub/f.txt", encoding: .utf8) == "linked\n")
        #expect(!FileSystem.exists(root + "/target/sub"))
        #expect(try String(contentsOfFile: root + "/target/keep.txt", encoding: .utf8) == "kept\n")
    }

    @Test func withoutLinkASymlinkedDestinationParentIsFollowedAsDockerDoes() async throws {
        let store = try AddURLTests.emptyStore()
        let project = try BuildFixtures.project([
            "Dockerfile": """
                FROM scratch
                COPY tree/ /
                COPY f.txt /app/sub/f.txt
                COPY f.txt /abs/
                """,
            "f.txt": "followed\n",
            "tree/target/keep.txt": "kept\n",
        ])
        try FileManager.default.createSymbolicLink(atPath: project + "/tree/app", withDestinationPath: "target")
        try FileManager.default.createSymbolicLink(atPath: project + "/tree/abs", withDestinationPath: "/target/../target/deeper")
        let result = try await BuildFixtures.build(project, in: store)
        let layers = try LayerEntry.layers(of: result.image, in: store)
        try #require(layers.count == 3)
        #expect(Set(layers[1].keys) == ["target", "target/sub", "target/sub/f.txt"], "\(layers[1].keys.sorted())")
        #expect(Set(layers[2].keys) == ["target", "target/deeper", "target/deeper/f.txt"], "\(layers[2].keys.sorted())")
        #expect(layers[1]["app"] == nil && layers[2]["abs"] == nil, "the symlinks stay")
    }

    static let dockerfile = """
        FROM scratch
        ARG BASE=one
        COPY base-${BASE}.txt /base.txt
        COPY --link app.txt /srv/app/
        ADD --link URL/tool.bin /srv/bin/
        COPY after.txt /after.txt
        """

    @Test func aLinkLayerIsReusedOverAChangedBaseWithTheSameBlob() async throws {
        let store = try AddURLTests.emptyStore()
        let site = try AddURLTests.Site()
        try site.put("tool.bin", "tool\n", mtime: 1_000_000)
        let project = try BuildFixtures.project([
            "Dockerfile": Self.dockerfile.replacingOccurrences(of: "URL", with: site.base),
            "base-one.txt": "one\n", "base-two.txt": "two\n", "app.txt": "app\n", "after.txt": "after\n",
        ])
        let first = try await BuildFixtures.build(project, in: store) { $0.buildArguments = ["BASE": "one"] }
        let second = try await BuildFixtures.build(project, in: store) { $0.buildArguments = ["BASE": "two"] }
        #expect(first.cachedSteps == 0)
        #expect(second.cachedSteps == 2, "both --link steps are cached over the new base; the steps after them are not")
        let a = try store.manifest(of: first.image).layers.map(\.digest)
        let b = try store.manifest(of: second.image).layers.map(\.digest)
        try #require(a.count == 4 && b.count == 4)
        #expect(a[0] != b[0])
        #expect(a[1] == b[1] && a[2] == b[2], "the --link layers are the same blobs")
        #expect(second.image.manifest.digest != first.image.manifest.digest)

        // Without --link the parent is part of the key: nothing is reused over the new base.
        let plain = try BuildFixtures.project([
            "Dockerfile": Self.dockerfile.replacingOccurrences(of: "URL", with: site.base).replacingOccurrences(of: " --link", with: ""),
            "base-one.txt": "one\n", "base-two.txt": "two\n", "app.txt": "app\n", "after.txt": "after\n",
        ])
        let plainStore = try AddURLTests.emptyStore()
        _ = try await BuildFixtures.build(plain, in: plainStore) { $0.buildArguments = ["BASE": "one"] }
        let plainSecond = try await BuildFixtures.build(plain, in: plainStore) { $0.buildArguments = ["BASE": "two"] }
        #expect(plainSecond.cachedSteps == 0)
    }
}
