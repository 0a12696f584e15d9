import Foundation
import ReeOCI
import ReeTestSupport
import Testing

/// `ree image ...` end to end: the real binary, real recipes, real Debian packages.
@Suite struct ImageCommandTests {
    func bootstrapped(_ name: String = "busybox") throws -> (home: String, digest: String) {
        try Requirements.tool("apt-get")
        let home = try makeTemporaryDirectory(prefix: "ree-cli")
        let out = try ReeBinary.check(["image", "bootstrap", name], home: home)
        let parts = out.split(separator: " ")
        #expect(parts.first.map(String.init) == name)
        return (home, parts.last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "")
    }

    @Test func busyboxBootstrapIsReproducibleAcrossHomes() throws {
        let a = try bootstrapped()
        let b = try bootstrapped()
        #expect(a.digest.hasPrefix("sha256:"))
        #expect(a.digest == b.digest)
    }

    @Test func theBusyboxImageHasAppletsUsersAndAStickyTmp() throws {
        try Requirements.tool("umoci")
        try Requirements.tool("skopeo")
        let (home, _) = try bootstrapped()
        let dir = try makeTemporaryDirectory()
        try ReeBinary.check(["image", "export", "busybox", "-o", "\(dir)/bb.tar"], home: home)
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(dir)/bb.tar", "oci:\(dir)/layout:bb"])
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:bb", "\(dir)/bundle"])
        let root = "\(dir)/bundle/rootfs"
        let fm = FileManager.default
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(root)/bin/sh") == "/bin/busybox")
        #expect(try String(contentsOfFile: "\(root)/etc/passwd", encoding: .utf8).hasPrefix("root:x:0:0:"))
        #expect(fm.fileExists(atPath: "\(root)/etc/group"))
        var st = stat()
        #expect(lstat("\(root)/tmp", &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o1777)
    }

    @Test func listInspectExportImportRemove() throws {
        let (home, digest) = try bootstrapped()
        let list = try ReeBinary.check(["image", "list", "--json"], home: home)
        let items = try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]]
        #expect(items?.first?["name"] as? String == "busybox")
        #expect(items?.first?["digest"] as? String == digest)

        let inspect = try ReeBinary.check(["image", "inspect", "busybox"], home: home)
        let details = try JSONSerialization.jsonObject(with: Data(inspect.utf8)) as? [String: Any]
        for key in ["name", "digest", "size", "layers", "config"] { #expect(details?[key] != nil, "inspect has \(key)") }
        #expect(details?["digest"] as? String == digest)

        let dir = try makeTemporaryDirectory()
        try ReeBinary.check(["image", "export", "busybox", "-o", "\(dir)/bb.tar"], home: home)
        let other = try makeTemporaryDirectory(prefix: "ree-cli")
        let imported = try ReeBinary.check(["image", "import", "\(dir)/bb.tar", "--name", "bb2"], home: other)
        #expect(imported.contains(digest), "round trip keeps the manifest digest")

        try ReeBinary.check(["image", "remove", "bb2"], home: other)
        #expect(try ReeBinary.check(["image", "list"], home: other).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(other)/oci/blobs/sha256").isEmpty, "blobs collected")
    }

    @Test func exitCodesSayWhatWentWrong() throws {
        let home = try makeTemporaryDirectory(prefix: "ree-cli")
        let usage = try ReeBinary.run(["image", "frobnicate"], home: home)
        #expect(usage.status == 2)
        let missingArgument = try ReeBinary.run(["image", "export", "busybox"], home: home)
        #expect(missingArgument.status == 2)
        let notFound = try ReeBinary.run(["image", "inspect", "nope"], home: home)
        #expect(notFound.status == 1)
        #expect(notFound.stderr.contains("image 'nope' not found"))
        let badRecipe = try ReeBinary.run(["image", "bootstrap", "nope"], home: home)
        #expect(badRecipe.status == 1)
        #expect(badRecipe.stderr.contains("busybox"), "names the available recipes")
        let help = try ReeBinary.run(["image", "--help"], home: home)
        #expect(help.status == 0 && help.stdout.contains("bootstrap"))
    }

    @Test func importOfANonArchiveFailsCleanly() throws {
        let home = try makeTemporaryDirectory(prefix: "ree-cli")
        let file = "\(home)/junk.tar"
        try Data("this is not a tarball".utf8).write(to: URL(fileURLWithPath: file))
        let r = try ReeBinary.run(["image", "import", file, "--name", "junk"], home: home)
        #expect(r.status == 1)
        #expect(r.stderr.contains("junk.tar"))
    }
}
