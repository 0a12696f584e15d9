import Foundation
import ReeArchive
import ReeLayers
import ReeOS
import ReeTestSupport
import Testing

func tarBytes(_ entries: [(ArchiveEntry, String)]) throws -> [UInt8] {
    let sink = MemorySink()
    let w = try ArchiveWriter(sink: sink, name: "layer")
    for (e, text) in entries {
        if e.kind == .regular { try w.write(e, contents: Array(text.utf8)) } else { try w.writeHeader(e) }
    }
    try w.finish()
    return sink.bytes
}

func apply(_ entries: [(ArchiveEntry, String)], to root: String, mode: LayerUnpacker.WhiteoutMode = .apply) throws {
    let reader = try ArchiveReader(source: MemorySource(try tarBytes(entries)), name: "test-layer")
    try LayerUnpacker(whiteouts: mode).apply(reader, to: root)
}

func file(_ path: String, _ text: String = "", mode: UInt32 = 0o644) -> (ArchiveEntry, String) {
    (ArchiveEntry(path: path, kind: .regular, mode: mode, mtime: 1_600_000_000), text)
}
func dir(_ path: String, mode: UInt32 = 0o755) -> (ArchiveEntry, String) {
    (ArchiveEntry(path: path, kind: .directory, mode: mode, mtime: 1_600_000_000), "")
}
func link(_ path: String, to target: String) -> (ArchiveEntry, String) {
    (ArchiveEntry(path: path, kind: .symlink, mode: 0o777, linkTarget: target), "")
}
func hardlink(_ path: String, to target: String) -> (ArchiveEntry, String) {
    (ArchiveEntry(path: path, kind: .hardlink, linkTarget: target), "")
}
func lstatOf(_ path: String) -> stat? {
    var st = stat()
    return lstat(path, &st) == 0 ? st : nil
}
func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

@Suite struct LayerUnpackerTests {
    @Test func filesDirectoriesLinksAndModes() throws {
        let root = try makeTemporaryDirectory()
        let long = String(repeating: "x", count: 150)
        try apply([
            dir("etc/"), file("etc/hello", "hi\n"), file("bin/tool", "#!/bin/sh", mode: 0o4755),
            link("bin/sh", to: "/bin/tool"), hardlink("bin/tool2", to: "bin/tool"),
            dir("tmp/", mode: 0o1777), file("deep/\(long)/naïve file.txt", "long"), dir("empty/", mode: 0o711),
        ], to: root)
        #expect(read("\(root)/etc/hello") == "hi\n")
        #expect(lstatOf("\(root)/bin/tool")!.st_mode & 0o7777 == 0o4755)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/bin/sh") == "/bin/tool")
        #expect(lstatOf("\(root)/bin/tool2")!.st_ino == lstatOf("\(root)/bin/tool")!.st_ino)
        #expect(lstatOf("\(root)/tmp")!.st_mode & 0o7777 == 0o1777)
        #expect(lstatOf("\(root)/empty")!.st_mode & 0o7777 == 0o711)
        #expect(read("\(root)/deep/\(long)/naïve file.txt") == "long")
        #expect(lstatOf("\(root)/etc/hello")!.st_mtim.tv_sec == 1_600_000_000)
    }

    @Test func whiteoutsAndOpaqueDirectoriesApply() throws {
        let root = try makeTemporaryDirectory()
        try apply([dir("a/"), file("a/keep"), file("a/gone"), dir("b/"), file("b/old1"), file("b/old2"), file("c")], to: root)
        try apply([file("a/.wh.gone"), file("b/.wh..wh..opq"), file("b/new"), file(".wh.c")], to: root)
        #expect(lstatOf("\(root)/a/keep") != nil)
        #expect(lstatOf("\(root)/a/gone") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/b") == ["new"])
        #expect(lstatOf("\(root)/c") == nil)
    }

    @Test func aWhiteoutNeverRemovesWhatItsOwnLayerWrote() throws {
        let root = try makeTemporaryDirectory()
        try apply([file("x", "new"), file(".wh.x")], to: root)
        #expect(read("\(root)/x") == "new")
    }

    @Test func fileReplacedByDirectoryAndBack() throws {
        let root = try makeTemporaryDirectory()
        try apply([file("p", "file")], to: root)
        try apply([dir("p/"), file("p/inner", "in")], to: root)
        #expect(read("\(root)/p/inner") == "in")
        try apply([file("p", "file again")], to: root)
        #expect(read("\(root)/p") == "file again")
    }

    @Test func overlayModeKeepsWhiteoutsForOverlayfs() throws {
        try Requirements.root()
        let root = try makeTemporaryDirectory()
        try apply([dir("d/"), file("d/.wh..wh..opq"), file(".wh.gone")], to: root, mode: .overlay)
        let st = try #require(lstatOf("\(root)/gone"))
        #expect(st.st_mode & FileType.mask == FileType.characterDevice)
        #expect(st.st_rdev == 0)
        #expect(try ExtendedAttributes.get("\(root)/d", "user.overlay.opaque") == Array("y".utf8))
    }
}

/// Hostile layers: nothing may be written outside the root.
@Suite struct LayerUnpackerEscapeTests {
    /// A fresh root inside a sandbox directory, with a sibling that must stay untouched.
    func arena() throws -> (root: String, outside: String) {
        let base = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: "\(base)/root", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(base)/outside", withIntermediateDirectories: true)
        return ("\(base)/root", "\(base)/outside")
    }

    @Test func dotDotEntriesAreRefused() throws {
        let (root, outside) = try arena()
        let error = #expect(throws: ReeError.self) { try apply([file("../outside/pwned", "x")], to: root) }
        #expect(error?.message.contains("..") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func anAbsoluteSymlinkCannotRedirectALaterFile() throws {
        let (root, outside) = try arena()
        // evil -> <outside dir> (absolute host path), then a file through it.
        try? apply([link("evil", to: outside), file("evil/pwned", "x")], to: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        // and through a link to "/": resolves to the root itself
        let (root2, _) = try arena()
        try apply([link("up", to: "/"), dir("up/etc/"), file("up/etc/inside", "ok")], to: root2)
        #expect(read("\(root2)/etc/inside") == "ok")
    }

    @Test func aRelativeSymlinkClimbingOutStaysInside() throws {
        let (root, outside) = try arena()
        try? apply([link("climb", to: "../../../../../outside"), file("climb/pwned", "x")], to: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func aHardlinkToOutsideIsRefused() throws {
        let (root, outside) = try arena()
        try "secret".write(toFile: "\(outside)/secret", atomically: true, encoding: .utf8)
        #expect(throws: ReeError.self) { try apply([hardlink("stolen", to: "../outside/secret")], to: root) }
        // An absolute hardlink target resolves inside the root, where there is nothing.
        #expect(throws: ReeError.self) { try apply([hardlink("stolen", to: "\(outside)/secret")], to: root) }
        #expect(lstatOf("\(root)/stolen") == nil)
    }

    @Test func aSymlinkedParentInALaterLayerStaysInside() throws {
        let (root, outside) = try arena()
        try apply([link("etc", to: outside)], to: root)
        try? apply([file("etc/passwd", "pwned")], to: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func replacingTheRootIsRefused() throws {
        let (root, _) = try arena()
        #expect(throws: ReeError.self) { try apply([file("./", "x")], to: root) }
    }
}
