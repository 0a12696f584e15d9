import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// Writes `name` as one tar that is both an OCI image layout (`oci-layout`, `index.json`,
    /// `blobs/`) and a `docker load` archive (`manifest.json`, `repositories`). Deterministic:
    /// the same image gives the same bytes. Blobs are verified as they are copied.
    public func exportArchive(_ name: String, to sink: ByteSink, archiveName: String) throws {
        let image = try resolve(name)
        let manifest = try manifest(of: image)
        let writer = try ArchiveWriter(sink: sink, name: archiveName, options: .init(format: .pax, mtime: .fixed(0), numericOwners: true))

        var indexEntry = Descriptor(mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size)
        indexEntry.platform = image.manifest.platform
        indexEntry.annotations = [Descriptor.refNameAnnotation: image.name.rawValue]
        let index = try CanonicalJSON.encode(Index(manifests: [indexEntry]))

        let blobPath = { (d: Digest) in "blobs/\(d.algorithm)/\(d.encoded)" }
        let dockerManifest = try CanonicalJSON.encode([DockerArchiveManifest(
            config: blobPath(manifest.config.digest),
            repoTags: [image.name.dockerReference],
            layers: manifest.layers.map { blobPath($0.digest) })])
        let topLayer = manifest.layers.last?.digest.encoded ?? manifest.config.digest.encoded
        let repositories = try CanonicalJSON.encode([image.name.repository: [image.name.tag: topLayer]])

        var blobs: [Digest: Int64] = [image.manifest.digest: image.manifest.size, manifest.config.digest: manifest.config.size]
        for l in manifest.layers { blobs[l.digest] = l.size }

        // Sorted bytewise; directories before what they hold.
        try writer.writeHeader(ArchiveEntry(path: "blobs/", kind: .directory, mode: 0o755))
        try writer.writeHeader(ArchiveEntry(path: "blobs/sha256/", kind: .directory, mode: 0o755))
        for digest in blobs.keys.sorted() {
            let size = blobs[digest] ?? 0
            try writer.writeHeader(ArchiveEntry(path: blobPath(digest), kind: .regular, mode: 0o644, size: size))
            let reader = try self.blobs.open(digest, expectedSize: size)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try writer.writeData(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
        try writer.write(ArchiveEntry(path: "index.json", kind: .regular), contents: index)
        try writer.write(ArchiveEntry(path: "manifest.json", kind: .regular), contents: dockerManifest)
        try writer.write(ArchiveEntry(path: "oci-layout", kind: .regular), contents: CanonicalJSON.encode(LayoutHeader()))
        try writer.write(ArchiveEntry(path: "repositories", kind: .regular), contents: repositories)
        try writer.finish()
    }

    /// Exports to a file, atomically: a failed export leaves no file behind.
    public func exportArchive(_ name: String, toPath path: String) throws {
        let directory = FileSystem.parent(of: path)
        let file = try FileSystem.makeTemporaryFile(in: directory, prefix: ".ree-export-")
        do {
            try exportArchive(name, to: file, archiveName: path)
            try checked("chmod", file.path) { fchmod(file.rawValue, 0o644) }
            try file.sync()
            try file.close()
            try checked("rename", path) { rename(file.path, path) }
        } catch {
            unlink(file.path)
            throw error
        }
    }
}

/// One entry of Docker's `manifest.json`.
struct DockerArchiveManifest: Encodable {
    let config: String
    let repoTags: [String]
    let layers: [String]
    enum CodingKeys: String, CodingKey { case config = "Config", repoTags = "RepoTags", layers = "Layers" }
}
