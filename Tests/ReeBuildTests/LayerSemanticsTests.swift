import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

/// Images whose steps exercise every layer corner, checked after `umoci unpack` and after our
/// own unpacker, and validated by skopeo, oci-image-tool and podman.
@Suite(.serialized) struct LayerSemanticsTests {
    static let dockerfile = """
        FROM busybox
        RUN mkdir -p /data/dir/sub /data/gone-dir && echo a > /data/file && echo b > /data/dir/sub/b \\
         && echo x > /data/gone-dir/x && echo swap > /data/swap && mkdir /data/swap2 && echo in > /data/swap2/in
        RUN rm /data/file && rm -r /data/gone-dir && rm /etc/group
        RUN rm /data/swap && mkdir /data/swap && echo now-dir > /data/swap/inner \\
         && rm -r /data/swap2 && echo now-file > /data/swap2
        RUN rm -r /data/swap && echo file-again > /data/swap
        RUN echo shared > /data/h1 && ln /data/h1 /data/h2 && ln /data/h1 "/data/h 3"
        RUN d=/data/$(printf 'long%.0s' $(seq 1 40)) && mkdir -p "$d" && echo deep > "$d/leaf with spaces ünïcødé"
        RUN cp /bin/busybox /data/suid && chmod 4755 /data/suid && chmod 2711 /data/dir
        RUN mkdir -m 0700 /data/private-empty && mkdir -m 1777 /data/sticky-empty && mkdir /data/odd && chmod 0555 /data/odd
        """

    static let expected: [(String, String)] = [
        ("test ! -e /data/file", "deleted file"),
        ("test ! -e /data/gone-dir", "deleted directory"),
        ("test ! -e /etc/group", "deleted base file"),
        ("test \"$(cat /data/swap)\" = file-again", "dir replaced by file again"),
        ("test \"$(cat /data/swap2)\" = now-file", "dir replaced by file"),
        ("test \"$(cat /data/dir/sub/b)\" = b", "untouched file"),
        ("test $(stat -c %i /data/h1) = $(stat -c %i /data/h2) && test $(stat -c %i /data/h1) = $(stat -c %i '/data/h 3') && test $(stat -c %h /data/h1) = 3", "hardlinks"),
        ("test \"$(cat /data/$(printf 'long%.0s' $(seq 1 40))/'leaf with spaces ünïcødé')\" = deep", "long and non-ASCII path"),
        ("test $(stat -c %a /data/suid) = 4755 && test $(stat -c %a /data/dir) = 2711", "setuid and setgid"),
        ("test $(stat -c %a /data/private-empty) = 700 && test $(stat -c %a /data/sticky-empty) = 1777 && test $(stat -c %a /data/odd) = 555", "unusual directory modes"),
    ]

    /// Checks every expectation inside `root` with the host's shell (paths prefixed).
    func check(root: String, label: String) throws {
        for (test, what) in Self.expected {
            let script = test.replacingOccurrences(of: "/data", with: "\(root)/data").replacingOccurrences(of: "/etc/group", with: "\(root)/etc/group")
            let r = try Shell.run(["bash", "-c", script])
            #expect(r.succeeded, "\(label): \(what)")
        }
    }

    @Test func layersUnpackTheSameWithUmociAndOurUnpacker() async throws {
        try Requirements.tool("umoci")
        try Requirements.tool("skopeo")
        try Requirements.tool("oci-image-tool")
        let store = try BuildFixtures.store()
        let project = try BuildFixtures.project(["Dockerfile": Self.dockerfile])
        let result = try await BuildFixtures.build(project, in: store, tag: "semantics")

        // Inside the image, through the sandbox.
        for (test, what) in Self.expected {
            let r = try await BuildFixtures.run("semantics", in: store, ["sh", "-c", test])
            #expect(r.status == 0, "in the sandbox: \(what)")
        }
        let dir = try makeTemporaryDirectory()
        let tar = dir + "/semantics.tar"
        try store.exportArchive("semantics", toPath: tar)
        #expect(try Shell.run(["skopeo", "inspect", "oci-archive:\(tar)"]).succeeded)
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "oci:\(dir)/layout:s"])
        let validate = try Shell.run(["oci-image-tool", "validate", "--type", "image", "--ref", "name=s", "\(dir)/layout"])
        #expect(validate.succeeded, "\(validate.stdout)\(validate.stderr)")
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:s", "\(dir)/umoci"])
        try check(root: "\(dir)/umoci/rootfs", label: "umoci")

        let ours = dir + "/ours"
        try RootfsCopy.flatten(image: result.image, store: store, into: ours)
        try check(root: ours, label: "ours")
        let listing = "find . -printf '%p %y %m %U %G %s %l\\n' | sort"
        let a = try Shell.check(["sh", "-c", "cd \(dir)/umoci/rootfs && \(listing)"])
        let b = try Shell.check(["sh", "-c", "cd \(ours) && \(listing)"])
        #expect(a == b, "umoci and our unpacker give the same tree")
        let diff = try Shell.run(["diff", "-r", "--no-dereference", "\(dir)/umoci/rootfs", ours])
        #expect(diff.succeeded, "\(diff.stdout)")
    }

    @Test func builtImagesLoadInPodman() async throws {
        try Requirements.tool("podman")
        let store = try BuildFixtures.store()
        let result = try await BuildFixtures.build(try BuildFixtures.sample("hello-busybox"), in: store, tag: "podman-check")
        let tar = try makeTemporaryDirectory() + "/p.tar"
        try store.exportArchive("podman-check", toPath: tar)
        let load = try Shell.run(["podman", "load", "-i", tar])
        #expect(load.succeeded, "\(load.stderr)")
        let inspect = try Shell.run(["podman", "image", "inspect", "localhost/podman-check:latest", "--format", "{{.Config.Cmd}}"])
        #expect(inspect.stdout.contains("/app/greet.sh"))
        _ = try? Shell.run(["podman", "rmi", "-f", "localhost/podman-check:latest"])
        _ = result
    }
}
