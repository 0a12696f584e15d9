import Foundation
import ReeBuild
import ReeOS
import ReeTestSupport
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

    @Test("Permission bits and mtimes are kept, setuid bits are not")
    func keepsModesAndTimes() throws {
        let box = try Sandbox()
        try Shell.check(["python3", "-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1], "w")
            for name, mode in [("run.sh", 0o100750), ("secret", 0o100600), ("suid", 0o104755), ("bin/", 0o40700)]:
                info = zipfile.ZipInfo(name, date_time=(2001, 2, 3, 4, 5, 6))
                info.external_attr = mode << 16
                z.writestr(info, "" if name.endswith("/") else "x")
            z.close()
            """, box.zip])
        try ProjectArchive.unpack(zip: box.zip, to: box.destination)
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: box.destination + "/" + path)[.posixPermissions] as? Int) ?? -1
        }
        #expect(try mode("run.sh") == 0o750)
        #expect(try mode("secret") == 0o600)
        #expect(try mode("suid") == 0o755)
        #expect(try mode("bin") == 0o700)
        let date = try FileManager.default.attributesOfItem(atPath: box.destination + "/run.sh")[.modificationDate] as? Date
        #expect(date.map { Calendar.current.component(.year, from: $0) } == 2001)
    }

    @Test("With symlinks refused, even one pointing inside is an error")
    func refusesSymlinksWhenAsked() throws {
        let box = try Sandbox()
        try ZipFixture.write(box.zip, [.file("a", "1"), .symlink("b", target: "a")])
        let error = #expect(throws: ReeError.self) { try ProjectArchive.unpack(zip: box.zip, to: box.destination, symlinks: .refuse) }
        #expect(error?.message.contains("symlinks are not allowed") == true)
    }
}
