import Foundation
import ReeArchive
import ReeLayers
import ReeOS
import ReeTestSupport
import Testing

/// Both differs must find the same change: the overlay upper directory after a step, and a walk
/// of a full copy that had the same step applied.
@Suite(.serialized) struct DifferTests {
    static let epoch: Int64 = 1_700_000_000

    /// A lower image of two layers with the shapes the change script touches.
    func makeLowers(in base: String) throws -> [String] {
        let l1 = "\(base)/l1", l2 = "\(base)/l2"
        for d in [l1, l2] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try apply([dir("etc/"), file("etc/keep", "keep\n"), file("etc/delete-me", "x"), dir("var/"), dir("var/lib/"),
                   file("var/lib/a", "a"), file("var/lib/b", "b"), dir("opt/"), file("opt/was-file", "f"),
                   dir("opt/was-dir/"), file("opt/was-dir/inner", "i"), file("bin/tool", "tool", mode: 0o755),
                   dir("recreate/"), file("recreate/same", "same"), file("recreate/gone", "gone"), file("touched", "t")],
                  to: l1, mode: .overlay)
        try apply([file("etc/from-l2", "l2"), file("etc/.wh.keep-hidden")], to: l2, mode: .overlay)
        return [l2, l1]   // top first
    }

    /// The step: every kind of change the layer format knows.
    static let script = """
        set -e
        rm etc/delete-me
        rm -r var/lib
        rm opt/was-file && mkdir opt/was-file && echo in > opt/was-file/now-dir
        rm -r opt/was-dir && echo now a file > opt/was-dir
        echo new > 'new file ünï.txt'
        mkdir -p deep/$(printf 'd%.0s' $(seq 1 120)) && echo long > deep/$(printf 'd%.0s' $(seq 1 120))/f
        echo data > linked && ln linked linked2
        cp bin/tool bin/setuid && chmod 4755 bin/setuid
        mkdir -m 0711 odd-empty
        ln -s ../etc/keep etc/link
        rm -r recreate && mkdir recreate && echo same > recreate/same.tmp && printf same > recreate/same && rm recreate/same.tmp
        chmod 0644 touched
        echo more >> etc/from-l2
        setfattr -n user.note -v hello etc/keep 2>/dev/null || true
        """

    @Test func overlayAndWalkingDiffersGiveTheSameLayer() throws {
        try Requirements.root()
        try Requirements.tool("unshare")
        let base = try makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(base) }
        let lowers = try makeLowers(in: base)
        for d in ["upper", "work", "merged", "copy"] { try FileManager.default.createDirectory(atPath: "\(base)/\(d)", withIntermediateDirectories: true) }

        // Overlay: the step runs in the merged view; the upper dir keeps the change.
        let mountAndRun = """
            mount -t overlay overlay -o lowerdir=\(lowers.joined(separator: ":")),upperdir=\(base)/upper,workdir=\(base)/work,redirect_dir=off,metacopy=off \(base)/merged
            cp -a \(base)/merged/. \(base)/copy/
            cd \(base)/merged && sh -c '\(Self.script.replacingOccurrences(of: "'", with: "'\\''"))'
            """
        try Shell.check(["unshare", "-m", "sh", "-c", mountAndRun])
        // Walker: the same step on a full copy of the lower view.
        try Shell.check(["sh", "-c", "cd \(base)/copy && \(Self.script)"])

        let fromOverlay = try OverlayDiffer(upper: "\(base)/upper", lowerLayersTopFirst: lowers, epoch: Self.epoch).changes()
        let fromWalk = try WalkingDiffer(tree: "\(base)/copy", lowerLayersTopFirst: lowers, epoch: Self.epoch).changes()
        #expect(fromOverlay.paths == fromWalk.paths)
        let a = try tar(fromOverlay), b = try tar(fromWalk)
        #expect(a == b, "identical layer bytes")

        let paths = fromOverlay.paths
        for expected in ["etc/.wh.delete-me", "var/.wh.lib", "opt/was-file/now-dir", "opt/was-dir", "bin/setuid",
                         "odd-empty", "etc/link", "recreate/.wh.gone", "etc/from-l2", "linked", "linked2"] {
            #expect(paths.contains(expected), "\(expected) in \(paths)")
        }
        #expect(!paths.contains("touched"), "a chmod to the same mode is no change")
        #expect(!paths.contains("recreate/.wh..wh..opq"), "an opaque directory becomes explicit whiteouts")
        #expect(!paths.contains("etc/.wh.keep-hidden"), "a whiteout of nothing below is dropped")

        // Applying the layer over the lowers gives the copy's tree.
        let flat = "\(base)/flat"
        try FileManager.default.createDirectory(atPath: flat, withIntermediateDirectories: true)
        for layer in lowers.reversed() {
            try Shell.check(["sh", "-c", "tar -C \(layer) -cf - . | tar -C \(flat) -xf -"])
        }
        // The lowers hold overlay whiteouts; remove them the way overlay would hide them.
        try Shell.check(["sh", "-c", "find \(flat) -type c -delete"])
        try LayerUnpacker(whiteouts: .apply).apply(ArchiveReader(source: MemorySource(a), name: "diff"), to: flat)
        let entries = try readEntries(a)
        let linked2 = try #require(entries.first { $0.path == "linked2" })
        #expect(linked2.kind == .hardlink && linked2.linkTarget == "linked")
        let setuid = try #require(entries.first { $0.path == "bin/setuid" })
        #expect(setuid.mode == 0o4755)
        let diff = try Shell.run(["diff", "-r", "--no-dereference", flat, "\(base)/copy"])
        #expect(diff.succeeded, "\(diff.stdout)")
    }

    func tar(_ set: ChangeSet) throws -> [UInt8] {
        let sink = MemorySink()
        let w = try ArchiveWriter(sink: sink, name: "diff", options: .deterministic(epoch: Self.epoch))
        try set.write(to: w)
        try w.finish()
        return sink.bytes
    }

    func readEntries(_ bytes: [UInt8]) throws -> [ArchiveEntry] {
        let r = try ArchiveReader(source: MemorySource(bytes), name: "diff")
        var out: [ArchiveEntry] = []
        while let e = try r.next() { out.append(e) }
        return out
    }
}
