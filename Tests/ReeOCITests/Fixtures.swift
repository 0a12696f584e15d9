import Foundation
import ReeArchive
import ReeOCI
import ReeOS
import ReeTestSupport

/// A store in a fresh temporary home.
func makeStore() throws -> ImageStore {
    try ImageStore(home: makeTemporaryDirectory(prefix: "ree-oci"))
}

/// A small two-layer image built directly from tar entries (no recipes, no network).
@discardableResult
func makeTestImage(in store: ImageStore, name: String = "testimage", marker: String = "one") throws -> Descriptor {
    var layers: [Descriptor] = []
    var diffIDs: [Digest] = []
    for (i, files) in [[("etc/hello", "hello \(marker)\n"), ("bin/tool", "#!/bin/sh\n")], [("etc/second", "second\n")]].enumerated() {
        let tar = MemorySink()
        let w = try ArchiveWriter(sink: tar, name: "layer\(i)", options: .deterministic())
        for (path, text) in files {
            try w.write(ArchiveEntry(path: path, kind: .regular, mode: 0o644, mtime: 1_700_000_000), contents: Array(text.utf8))
        }
        try w.finish()
        diffIDs.append(Digest.sha256(of: tar.bytes))
        let gz = MemorySink()
        let c = try CompressingSink(.gzip(level: 6), next: gz, name: "layer")
        try tar.bytes.withUnsafeBytes { try c.write($0) }
        try c.finish()
        layers.append(try store.blobs.put(gz.bytes, mediaType: .ociLayerGzip))
    }
    var config = ImageConfig(rootfs: .init(diffIDs: diffIDs))
    config.config?.cmd = ["/bin/sh"]
    config.created = "2023-11-14T22:13:20Z"
    return try store.writeImage(name: ImageName(name), config: config, layers: layers)
}

/// A gzip layer of regular files, stored as `ree` writes layers (`CompressingSink`).
func makeLayer(in store: ImageStore, files: [(String, [UInt8])]) throws -> (descriptor: Descriptor, diffID: Digest) {
    let tar = MemorySink()
    let w = try ArchiveWriter(sink: tar, name: "layer", options: .deterministic())
    for (path, data) in files {
        try w.write(ArchiveEntry(path: path, kind: .regular, mode: 0o644, mtime: 1_700_000_000), contents: data)
    }
    try w.finish()
    let gz = MemorySink()
    let c = try CompressingSink(.gzip(level: 6), next: gz, name: "layer")
    try tar.bytes.withUnsafeBytes { try c.write($0) }
    try c.finish()
    return (try store.blobs.put(gz.bytes, mediaType: .ociLayerGzip), Digest.sha256(of: tar.bytes))
}

/// Writes a tar from (path, kind, data) triples; for crafting good and bad archives.
func writeTar(_ path: String, _ entries: [(ArchiveEntry, [UInt8])]) throws {
    let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
    let w = try ArchiveWriter(sink: fd, name: path)
    for (e, data) in entries {
        if e.kind == .regular { try w.write(e, contents: data) } else { try w.writeHeader(e) }
    }
    try w.finish()
    try fd.close()
}

/// Every entry of a tar with its data (small archives only).
func readTar(_ path: String) throws -> [(ArchiveEntry, [UInt8])] {
    let r = try ArchiveReader(path: path)
    var out: [(ArchiveEntry, [UInt8])] = []
    while let e = try r.next() { out.append((e, try r.readData())) }
    return out
}

/// What a store holds, to check that a failed operation changed nothing.
func snapshot(_ store: ImageStore) throws -> [String] {
    let index = String(decoding: try FileSystem.readFile(store.layoutPath + "/index.json"), as: UTF8.self)
    return [index] + (try store.blobs.all().map(\.description).sorted())
}
