import Foundation
import ReeOS
import ReeService
import ReeTestSupport
import ReeServiceTestSupport
import Testing

@Suite("Unpacking uploaded projects")
struct ProjectArchiveTests {
    /// A sandbox: `dest/` to unpack into, `outside/` next to it that must stay empty.
    struct Sandbox {
        let root: String
        var destination: String { root + "/dest" }
        var outside: String { root + "/outside" }
        var zip: String { root + "/upload.zip" }

        init() throws {
            root = try makeTemporaryDirectory(prefix: "ree-unpack")
            try FileSystem.createDirectory(root + "/dest")
            try FileSystem.createDirectory(root + "/outside")
        }
    }

    @Test("A normal project unpacks with its files, directories, modes and inner symlinks")
    func unpacksAProject() throws {
        let box = try Sandbox()
        try ZipFixture.write(box.zip, [
            .file("Dockerfile", "FROM busybox\n"), .directory("src"), .file("src/main.py", "print(1)\n"),
            .file("./docs/readme.txt", "hi\n"), .symlink("src/link", target: "../Dockerfile"),
        ])
        let summary = try ProjectArchive.unpack(zip: box.zip, to: box.destination)
        #expect(summary.files == 3)
        #expect(summary.symlinks == 1)
        #expect(String(decoding: try FileSystem.readFile(box.destination + "/src/main.py"), as: UTF8.self) == "print(1)\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: box.destination + "/src/link") == "../Dockerfile")
        try ProjectArchive.requireRegularFile("src/link", in: box.destination, what: "the Dockerfile")
        #expect(listTree(box.outside).isEmpty)
    }

    static let hostile: [(String, [ZipFixture.Entry], String)] = [
        ("a ../ entry", [.file("ok.txt", "x"), .file("../escaped.txt", "x")], "escapes the project"),
        ("a nested ../ entry", [.file("a/../../escaped.txt", "x")], "escapes the project"),
        ("an absolute path", [.file("/tmp/ree-absolute-escape.txt", "x")], "an absolute path"),
        ("a symlink pointing outside", [.symlink("link", target: "../outside")], "points outside"),
        ("an absolute symlink", [.symlink("link", target: "/etc")], "points outside"),
        ("a symlink used as a directory", [.symlink("link", target: "../../outside"), .file("link/x", "x")], "points outside"),
        ("a bomb", [.zeros("bomb.bin", bytes: 64 << 20)], "expands past the limit"),
        ("too many entries", (0..<40).map { .file("f\($0)", "x") }, "more than 32 entries"),
        ("a duplicate entry", [.file("a", "1"), .file("a", "2")], "duplicate"),
    ]

    @Test("Hostile archives are refused and write nothing outside the destination", arguments: hostile)
    func refusesHostileArchives(_ name: String, _ entries: [ZipFixture.Entry], _ reason: String) throws {
        let box = try Sandbox()
        try ZipFixture.write(box.zip, entries)
        let limits = ProjectArchive.Limits(maxEntries: 32, maxTotalBytes: 4 << 20)
        let error = #expect(throws: ReeError.self) {
            try ProjectArchive.unpack(zip: box.zip, to: box.destination, limits: limits)
        }
        #expect(error?.message.contains(reason) == true, "\(name): \(error?.message ?? "")")
        #expect(listTree(box.outside).isEmpty)
        #expect(listTree(box.root).allSatisfy { $0 == "upload.zip" || $0 == "dest" || $0 == "outside" || $0.hasPrefix("dest/") })
        #expect(!FileSystem.exists("/tmp/ree-absolute-escape.txt"))
        // A bomb stops at the limit: what was written is no more than the limit.
        let written = listTree(box.destination).reduce(Int64(0)) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: box.destination + "/" + path)[.size] as? Int64) ?? 0)
        }
        #expect(written <= limits.maxTotalBytes)
    }

    @Test("A file that is not a ZIP is refused before it becomes a process")
    func refusesNonZip() throws {
        let box = try Sandbox()
        try FileSystem.writeAtomically(box.zip, Array("just text, not a zip".utf8))
        #expect(throws: ReeError.self) { try ProjectArchive.checkIsZip(box.zip) }
        try FileSystem.writeAtomically(box.zip, Array("PK\u{3}\u{4}but broken".utf8))
        #expect(throws: ReeError.self) { try ProjectArchive.checkIsZip(box.zip) }
        try ZipFixture.write(box.zip, [.file("a", "b")])
        try ProjectArchive.checkIsZip(box.zip)
    }

    @Test("Dockerfile names must stay inside the project", arguments: ["../Dockerfile", "/etc/passwd", "a/../../b", "a\\b"])
    func refusesEscapingDockerfileNames(_ name: String) {
        #expect(throws: ReeError.self) { try ProcessInput.validateDockerfile(name) }
    }

    @Test("Tags: letters, digits and . _ - : /; empty means none")
    func validatesTags() throws {
        #expect(try ProcessInput.validateTag("my_build") == "my_build")
        #expect(try ProcessInput.validateTag("") == nil)
        #expect(try ProcessInput.validateTag(nil) == nil)
        for bad in ["-x", "a b", "x;rm", String(repeating: "a", count: 129), "é"] {
            #expect(throws: ReeError.self) { try ProcessInput.validateTag(bad) }
        }
    }
}
