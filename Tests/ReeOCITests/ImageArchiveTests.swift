import Foundation
import ReeArchive
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

@Suite struct ImageArchiveTests {
    @Test func exportThenImportKeepsTheManifestDigest() throws {
        let a = try makeStore()
        let d = try makeTestImage(in: a)
        let dir = try makeTemporaryDirectory()
        try a.exportArchive("testimage", toPath: "\(dir)/x.tar")
        let b = try makeStore()
        let imported = try b.importArchive("\(dir)/x.tar", name: nil)
        #expect(imported.manifest.digest == d.digest)
        #expect(imported.name.rawValue == "testimage")
        // And again into a new name: same digest.
        let again = try b.importArchive("\(dir)/x.tar", name: ImageName("copy"))
        #expect(again.manifest.digest == d.digest)
    }

    @Test func exportIsDeterministic() throws {
        let a = try makeStore(), b = try makeStore()
        try makeTestImage(in: a)
        try makeTestImage(in: b)
        let dir = try makeTemporaryDirectory()
        try a.exportArchive("testimage", toPath: "\(dir)/a.tar")
        try b.exportArchive("testimage", toPath: "\(dir)/b.tar")
        #expect(try FileSystem.readFile("\(dir)/a.tar", limit: 1 << 26) == FileSystem.readFile("\(dir)/b.tar", limit: 1 << 26))
    }

    @Test func exportHoldsBothLayouts() throws {
        let a = try makeStore()
        try makeTestImage(in: a)
        let dir = try makeTemporaryDirectory()
        try a.exportArchive("testimage", toPath: "\(dir)/x.tar")
        let names = try readTar("\(dir)/x.tar").map(\.0.path)
        for required in ["oci-layout", "index.json", "manifest.json", "repositories", "blobs/sha256/"] {
            #expect(names.contains(required), "\(required)")
        }
        let manifestJSON = try readTar("\(dir)/x.tar").first { $0.0.path == "manifest.json" }!.1
        #expect(String(decoding: manifestJSON, as: UTF8.self).contains(#""RepoTags":["testimage:latest"]"#))
    }

    @Test func removeDeletesUnusedBlobsOnly() throws {
        let store = try makeStore()
        try makeTestImage(in: store, name: "one", marker: "1")
        try makeTestImage(in: store, name: "two", marker: "2")
        let before = try store.blobs.all().count
        try store.remove("one")
        #expect(try store.images().map(\.name.rawValue) == ["two"])
        // Layer 2 is shared; layer 1, config and manifest of "one" go.
        #expect(try store.blobs.all().count == before - 3)
        #expect(throws: ReeError.self) { try store.resolve("one") }
    }

    @Test func unknownNameListsTheAvailableOnes() throws {
        let store = try makeStore()
        try makeTestImage(in: store)
        let error = #expect(throws: ReeError.self) { try store.resolve("nope") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("testimage") == true)
    }

    @Test func imagesResolveByNameAndDigest() throws {
        let store = try makeStore()
        let d = try makeTestImage(in: store, name: "pinned")
        #expect(try store.resolve("pinned@\(d.digest)").manifest.digest == d.digest)
        #expect(try store.resolve(d.digest.description).manifest.digest == d.digest)
        let other = Digest.sha256(of: Array("other".utf8))
        let error = #expect(throws: ReeError.self) { try store.resolve("pinned@\(other)") }
        #expect(error?.code == .notFound)
        #expect(throws: ReeError.self) { try store.resolve("pinned@sha256:bad") }
    }

    @Test func legacyDockerSaveArchiveImports() throws {
        let store = try makeStore()
        let dir = try makeTemporaryDirectory()
        let layerTar = MemorySink()
        let w = try ArchiveWriter(sink: layerTar, name: "l", options: .deterministic())
        try w.write(ArchiveEntry(path: "hello.txt", kind: .regular), contents: Array("legacy\n".utf8))
        try w.finish()
        let diffID = Digest.sha256(of: layerTar.bytes)
        var config = ImageConfig(rootfs: .init(diffIDs: [diffID]))
        config.config?.cmd = ["cat", "/hello.txt"]
        let configBytes = try CanonicalJSON.encode(config)
        let configName = Digest.sha256(of: configBytes).encoded + ".json"
        let manifest = #"[{"Config":"\#(configName)","RepoTags":["legacy:latest"],"Layers":["abc123/layer.tar","def456/layer.tar"]}]"#
        // The second layer is a symlink to the first, as old `docker save` wrote duplicate layers.
        config.rootfs.diffIDs = [diffID, diffID]
        let configBytes2 = try CanonicalJSON.encode(config)
        let manifest2 = manifest.replacingOccurrences(of: configName, with: Digest.sha256(of: configBytes2).encoded + ".json")
        try writeTar("\(dir)/legacy.tar", [
            (ArchiveEntry(path: "abc123/", kind: .directory, mode: 0o755), []),
            (ArchiveEntry(path: "abc123/layer.tar", kind: .regular), layerTar.bytes),
            (ArchiveEntry(path: "abc123/VERSION", kind: .regular), Array("1.0".utf8)),
            (ArchiveEntry(path: "def456/layer.tar", kind: .symlink, linkTarget: "../abc123/layer.tar"), []),
            (ArchiveEntry(path: Digest.sha256(of: configBytes2).encoded + ".json", kind: .regular), configBytes2),
            (ArchiveEntry(path: "manifest.json", kind: .regular), Array(manifest2.utf8)),
            (ArchiveEntry(path: "repositories", kind: .regular), Array("{}".utf8)),
        ])
        let image = try store.importArchive("\(dir)/legacy.tar", name: nil)
        #expect(image.name.rawValue == "legacy")
        let m = try store.manifest(of: image)
        #expect(m.layers.count == 2)
        #expect(m.layers[0].mediaType == .ociLayer)
        #expect(m.layers[0].digest == diffID)
        #expect(try store.config(of: m).config?.cmd == ["cat", "/hello.txt"])
    }
}

/// Each bad archive gets an error naming the archive and the problem, and the store is unchanged.
@Suite struct ImageArchiveBadInputTests {
    enum Corruption: String, CaseIterable, Sendable {
        case truncated, blobContentMismatch, missingBlob, unknownMediaType, dotDotPath, absolutePath, escapingSymlink, indexNotJSON, notAnImage
    }

    func corrupt(_ kind: Corruption, _ good: String, _ bad: String) throws -> String {
        var entries = try readTar(good)
        func replaceJSON(_ path: String, _ transform: (String) -> String) {
            if let i = entries.firstIndex(where: { $0.0.path == path }) {
                entries[i].1 = Array(transform(String(decoding: entries[i].1, as: UTF8.self)).utf8)
                entries[i].0.size = Int64(entries[i].1.count)
            }
        }
        switch kind {
        case .truncated:
            let bytes = try FileSystem.readFile(good, limit: 1 << 26)
            try Data(bytes.prefix(bytes.count - 1500)).write(to: URL(fileURLWithPath: bad))
            return "truncated"
        case .blobContentMismatch:
            let i = entries.firstIndex { $0.0.path.hasPrefix("blobs/sha256/") && $0.0.kind == .regular && $0.1.count > 100 }!
            entries[i].1[50] ^= 0xff
        case .missingBlob:
            let m = try CanonicalJSON.decode(Index.self, from: entries.first { $0.0.path == "index.json" }!.1, source: "x")
            let manifestBytes = entries.first { $0.0.path == "blobs/sha256/\(m.manifests[0].digest.encoded)" }!.1
            let manifest = try CanonicalJSON.decode(Manifest.self, from: manifestBytes, source: "x")
            entries.removeAll { $0.0.path == "blobs/sha256/\(manifest.layers[0].digest.encoded)" }
        case .unknownMediaType:
            // A new manifest with an unknown layer type, and an index pointing at it.
            let index = try CanonicalJSON.decode(Index.self, from: entries.first { $0.0.path == "index.json" }!.1, source: "x")
            let path = "blobs/sha256/\(index.manifests[0].digest.encoded)"
            var manifest = try CanonicalJSON.decode(Manifest.self, from: entries.first { $0.0.path == path }!.1, source: "x")
            manifest.layers[0].mediaType = "application/vnd.example.weird"
            let bytes = try CanonicalJSON.encode(manifest)
            let d = Digest.sha256(of: bytes)
            entries.append((ArchiveEntry(path: "blobs/sha256/\(d.encoded)", kind: .regular), bytes))
            var newIndex = index
            newIndex.manifests[0].digest = d
            newIndex.manifests[0].size = Int64(bytes.count)
            let newIndexText = String(decoding: try CanonicalJSON.encode(newIndex), as: UTF8.self)
            replaceJSON("index.json") { _ in newIndexText }
        case .dotDotPath:
            entries.append((ArchiveEntry(path: "../evil", kind: .regular), Array("x".utf8)))
        case .absolutePath:
            entries.append((ArchiveEntry(path: "/tmp/evil", kind: .regular), Array("x".utf8)))
        case .escapingSymlink:
            entries.append((ArchiveEntry(path: "blobs/link", kind: .symlink, linkTarget: "../../etc/passwd"), []))
        case .indexNotJSON:
            replaceJSON("index.json") { _ in "{not json" }
        case .notAnImage:
            entries = [(ArchiveEntry(path: "readme.txt", kind: .regular), Array("hi".utf8))]
        }
        try writeTar(bad, entries)
        return kind.rawValue
    }

    @Test(arguments: Corruption.allCases)
    func badArchivesAreRefusedAndLeaveTheStoreAsItWas(_ kind: Corruption) throws {
        let source = try makeStore()
        try makeTestImage(in: source)
        let dir = try makeTemporaryDirectory()
        try source.exportArchive("testimage", toPath: "\(dir)/good.tar")
        _ = try corrupt(kind, "\(dir)/good.tar", "\(dir)/bad.tar")

        let target = try makeStore()
        try makeTestImage(in: target, name: "existing", marker: "other")
        let before = try snapshot(target)
        let error = #expect(throws: ReeError.self) { try target.importArchive("\(dir)/bad.tar", name: ImageName("bad")) }
        #expect(error?.message.contains("bad.tar") == true, "error names the file: \(error?.message ?? "")")
        #expect(try snapshot(target) == before, "store unchanged after \(kind)")
        #expect(try FileSystem.listDirectory(target.home + "/tmp").isEmpty, "no partial blob left")
    }
}
