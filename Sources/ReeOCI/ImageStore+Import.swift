import ReeArchive
import ReeOS

extension ImageStore {
    /// Imports an `oci-archive` tarball or a `docker save` tarball (either the OCI-layout kind or
    /// the legacy `manifest.json` + `<id>/layer.tar` kind), compressed or not, and names it.
    ///
    /// Every file streams once into the blob store while it is hashed. On any error the blobs
    /// this import added are removed again and the index is untouched.
    @discardableResult
    public func importArchive(_ path: String, name: ImageName?) throws -> NamedImage {
        var session = ImportSession(store: self, archiveName: path)
        do {
            try session.readAll(try ArchiveReader(path: path))
            let (manifest, refName) = try session.resolveManifest()
            let chosen = try name ?? refName.map { try ImageName($0) } ?? {
                throw ReeError(.invalidInput, "failed to import '\(path)': it names no image; give --name")
            }()
            try tag(chosen, manifest: manifest)
            return NamedImage(name: chosen, manifest: manifest)
        } catch {
            session.discardNewBlobs()
            throw error
        }
    }
}

/// The state of one import: which archive path holds which blob.
struct ImportSession {
    let store: ImageStore
    let archiveName: String
    var files: [String: (digest: Digest, size: Int64)] = [:]
    var symlinks: [String: String] = [:]
    var metadata: [String: [UInt8]] = [:]
    var newBlobs: [Digest] = []

    static let metadataNames: Set<String> = ["index.json", "oci-layout", "manifest.json", "repositories"]

    init(store: ImageStore, archiveName: String) {
        self.store = store
        self.archiveName = archiveName
    }

    mutating func readAll(_ reader: ArchiveReader) throws {
        while let entry = try reader.next() {
            let path = try ArchivePath.normalize(entry.path, archive: archiveName)
            switch entry.kind {
            case .directory:
                continue
            case .symlink:
                // Old `docker save` links identical layers: allowed only when they stay inside the archive.
                let target = try ArchivePath.resolve(entry.linkTarget ?? "", from: path, archive: archiveName)
                symlinks[path] = target
            case .hardlink:
                symlinks[path] = try ArchivePath.normalize(entry.linkTarget ?? "", archive: archiveName)
            case .regular:
                if Self.metadataNames.contains(path) {
                    metadata[path] = try reader.readData(limit: 16 << 20)
                    continue
                }
                var expected: Digest?
                if path.hasPrefix("blobs/") {
                    let parts = path.split(separator: "/")
                    guard parts.count == 3 else {
                        throw ReeError(.corrupt, "failed to import '\(archiveName)': unexpected blob path '\(path)'")
                    }
                    expected = try Digest("\(parts[1]):\(parts[2])")
                }
                let writer = try store.blobs.makeWriter()
                try reader.copyData(to: writer)
                let result = try writer.commit(expected: expected, name: "\(archiveName):\(path)")
                if result.isNew { newBlobs.append(result.digest) }
                files[path] = (result.digest, result.size)
            default:
                throw ReeError(.corrupt, "failed to import '\(archiveName)': unexpected \(entry.kind) entry '\(path)'")
            }
        }
    }

    func file(_ path: String) throws -> (digest: Digest, size: Int64) {
        var p = try ArchivePath.normalize(path, archive: archiveName)
        for _ in 0..<16 {
            if let f = files[p] { return f }
            guard let next = symlinks[p] else { break }
            p = next
        }
        throw ReeError(.corrupt, "failed to import '\(archiveName)': '\(path)' is named but not in the archive")
    }

    /// The manifest to name, and the name the archive suggests.
    mutating func resolveManifest() throws -> (Descriptor, String?) {
        if let indexBytes = metadata["index.json"] {
            return try resolveOCI(indexBytes)
        }
        if let manifestBytes = metadata["manifest.json"] {
            return try resolveDocker(manifestBytes)
        }
        throw ReeError(.corrupt, "failed to import '\(archiveName)': neither an OCI layout (index.json) nor a docker archive (manifest.json)")
    }

    private func resolveOCI(_ indexBytes: [UInt8]) throws -> (Descriptor, String?) {
        let source = "\(archiveName):index.json"
        if let layout = metadata["oci-layout"] {
            let header = try CanonicalJSON.decode(LayoutHeader.self, from: layout, source: "\(archiveName):oci-layout")
            guard header.imageLayoutVersion.hasPrefix("1.") else {
                throw ReeError(.unsupported, "failed to import '\(archiveName)': image layout version \(header.imageLayoutVersion)")
            }
        }
        var index = try CanonicalJSON.decode(Index.self, from: indexBytes, source: source)
        var refName: String?
        for _ in 0..<4 {
            guard let chosen = try pick(index.manifests, source: source) else { break }
            refName = refName ?? chosen.refName.flatMap(Self.nameFromRef)
            guard store.blobs.contains(chosen.digest) else {
                throw ReeError(.corrupt, "failed to import '\(archiveName)': \(source) names missing blob \(chosen.digest)")
            }
            if chosen.mediaType.isIndex {
                index = try CanonicalJSON.decode(Index.self, from: store.blobs.read(chosen.digest), source: "\(archiveName):\(chosen.digest)")
                continue
            }
            guard chosen.mediaType.isManifest else {
                throw ReeError(.unsupported, "failed to import '\(archiveName)': unknown media type '\(chosen.mediaType)' in \(source)")
            }
            try checkManifest(chosen)
            return (chosen, refName)
        }
        throw ReeError(.corrupt, "failed to import '\(archiveName)': \(source) lists no usable manifest")
    }

    /// One image per archive: the only entry, or the linux/amd64 one of a multi-platform list.
    private func pick(_ manifests: [Descriptor], source: String) throws -> Descriptor? {
        if manifests.count <= 1 { return manifests.first }
        let forUs = manifests.filter { $0.platform == nil || ($0.platform?.os == "linux" && $0.platform?.architecture == "amd64") }
        guard forUs.count == 1 else {
            throw ReeError(.unsupported, "failed to import '\(archiveName)': \(source) lists \(manifests.count) images; ree imports one")
        }
        return forUs[0]
    }

    /// Ref names are tags (`latest`) or full references; keep something that is a valid name.
    static func nameFromRef(_ ref: String) -> String? {
        var r = ref
        if let slash = r.firstIndex(of: "/"), r[..<slash].contains(".") || r[..<slash].contains(":") {
            r = String(r[r.index(after: slash)...])   // drop a registry host
        }
        if r.hasPrefix("library/") { r = String(r.dropFirst(8)) }
        if r.hasSuffix(":latest") { r = String(r.dropLast(7)) }
        return (try? ImageName(r)) == nil ? nil : r
    }

    private func checkManifest(_ descriptor: Descriptor) throws {
        let source = "\(archiveName):manifest \(descriptor.digest)"
        let manifestBytes = try store.blobs.read(descriptor.digest)
        guard Int64(manifestBytes.count) == descriptor.size else {
            throw ReeError(.corrupt, "failed to import '\(archiveName)': manifest \(descriptor.digest) has \(manifestBytes.count) bytes, the index says \(descriptor.size)")
        }
        let manifest = try CanonicalJSON.decode(Manifest.self, from: manifestBytes, source: source)
        try manifest.validate(source: source)
        for blob in [manifest.config] + manifest.layers {
            guard store.blobs.contains(blob.digest) else {
                throw ReeError(.corrupt, "failed to import '\(archiveName)': manifest names missing blob \(blob.digest)")
            }
            let size = try store.blobs.size(blob.digest)
            guard size == blob.size else {
                throw ReeError(.corrupt, "failed to import '\(archiveName)': blob \(blob.digest) has \(size) bytes, the manifest says \(blob.size)")
            }
        }
        _ = try CanonicalJSON.decode(ImageConfig.self, from: store.blobs.read(manifest.config.digest), source: "\(archiveName):config \(manifest.config.digest)")
    }

    private struct DockerManifestEntry: Decodable {
        let Config: String
        let RepoTags: [String]?
        let Layers: [String]
    }

    private mutating func resolveDocker(_ bytes: [UInt8]) throws -> (Descriptor, String?) {
        let entries = try CanonicalJSON.decode([DockerManifestEntry].self, from: bytes, source: "\(archiveName):manifest.json")
        guard entries.count == 1, let entry = entries.first else {
            throw ReeError(.unsupported, "failed to import '\(archiveName)': manifest.json lists \(entries.count) images; ree imports one")
        }
        let configFile = try file(entry.Config)
        let config = try CanonicalJSON.decode(ImageConfig.self, from: store.blobs.read(configFile.digest), source: "\(archiveName):\(entry.Config)")
        var layers: [Descriptor] = []
        for path in entry.Layers {
            let f = try file(path)
            layers.append(Descriptor(mediaType: try layerMediaType(f.digest, path: path), digest: f.digest, size: f.size))
        }
        guard layers.count == config.rootfs.diffIDs.count else {
            throw ReeError(.corrupt, "failed to import '\(archiveName)': \(layers.count) layers but \(config.rootfs.diffIDs.count) diff_ids in the config")
        }
        let manifest = Manifest(config: Descriptor(mediaType: .ociConfig, digest: configFile.digest, size: configFile.size), layers: layers)
        var descriptor = try store.blobs.put(CanonicalJSON.encode(manifest), mediaType: .ociManifest)
        descriptor.platform = Platform(architecture: config.architecture, os: config.os, variant: config.variant)
        return (descriptor, entry.RepoTags?.first.flatMap(Self.nameFromRef))
    }

    /// Legacy layers are usually plain tar, but may be compressed: look at the magic bytes.
    private func layerMediaType(_ digest: Digest, path: String) throws -> MediaType {
        let fd = try FileDescriptor.open(store.blobs.path(digest))
        var magic = [UInt8](repeating: 0, count: 4)
        let n = try magic.withUnsafeMutableBytes { try fd.read(into: $0) }
        if n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b { return .ociLayerGzip }
        if n >= 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] { return .ociLayerZstd }
        return .ociLayer
    }

    func discardNewBlobs() {
        for d in newBlobs { try? store.blobs.remove(d) }
    }
}

/// Checks paths inside archives that users give us.
public enum ArchivePath {
    /// `./a/b` → `a/b`; refuses absolute paths and `..` components.
    public static func normalize(_ raw: String, archive: String) throws -> String {
        if raw.hasPrefix("/") {
            throw ReeError(.invalidInput, "failed to read '\(archive)': absolute path '\(raw)' in archive")
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/") where part != "." {
            if part == ".." { throw ReeError(.invalidInput, "failed to read '\(archive)': path '\(raw)' escapes the archive") }
            parts.append(part)
        }
        guard !parts.isEmpty else { throw ReeError(.invalidInput, "failed to read '\(archive)': empty path in archive") }
        return parts.joined(separator: "/")
    }

    /// Resolves a symlink target relative to the link, refusing anything that leaves the archive.
    public static func resolve(_ target: String, from link: String, archive: String) throws -> String {
        if target.hasPrefix("/") {
            throw ReeError(.invalidInput, "failed to read '\(archive)': symlink '\(link)' points to absolute path '\(target)'")
        }
        var parts = link.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else {
                    throw ReeError(.invalidInput, "failed to read '\(archive)': symlink '\(link)' points outside the archive")
                }
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
