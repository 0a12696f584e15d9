import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// An image stored under a name.
public struct NamedImage: Hashable, Sendable {
    public let name: ImageName
    /// The manifest's descriptor, as listed in `index.json`.
    public let manifest: Descriptor

    public init(name: ImageName, manifest: Descriptor) {
        self.name = name
        self.manifest = manifest
    }
}

/// Images by name in the OCI layout under `$REE_HOME/oci`: `index.json` lists each named
/// manifest with an `org.opencontainers.image.ref.name` annotation; blobs live in `blobs/`.
public struct ImageStore: Sendable {
    public let home: String
    public let blobs: BlobStore
    public var layoutPath: String { home + "/oci" }
    private var indexPath: String { layoutPath + "/index.json" }
    private var lockPath: String { home + "/oci.lock" }

    /// Opens (creating if needed) the store under `home`.
    public init(home: String) throws {
        self.home = home
        try FileSystem.createDirectory(home, mode: 0o700)
        blobs = try BlobStore(root: home + "/oci", temporaryDirectory: home + "/tmp")
        let layoutFile = home + "/oci/oci-layout"
        if !FileSystem.exists(layoutFile) {
            try FileSystem.writeAtomically(layoutFile, CanonicalJSON.encode(LayoutHeader()))
        }
        if !FileSystem.exists(home + "/oci/index.json") {
            try FileSystem.writeAtomically(home + "/oci/index.json", CanonicalJSON.encode(Index(manifests: [])))
        }
    }

    /// The default home: `$REE_HOME`, else `/var/lib/ree` for root and `~/.local/share/ree` otherwise.
    public static func defaultHome(environment: [String: String]) -> String {
        if let home = environment["REE_HOME"], !home.isEmpty { return home }
        if getuid() == 0 { return "/var/lib/ree" }
        let userHome = environment["HOME"] ?? "/tmp"
        return environment["XDG_DATA_HOME"].map { $0 + "/ree" } ?? userHome + "/.local/share/ree"
    }

    // MARK: Index

    /// Runs `body` holding an exclusive lock on the index (other ree processes wait).
    func withIndexLock<R>(_ body: () throws -> R) throws -> R {
        let fd = try FileDescriptor.open(lockPath, O_RDWR | O_CREAT, mode: 0o600)
        try checked("lock", lockPath) { flock(fd.rawValue, LOCK_EX) }
        defer { flock(fd.rawValue, LOCK_UN) }
        return try body()
    }

    func readIndex() throws -> Index {
        let bytes = try FileSystem.readFile(indexPath)
        let index = try CanonicalJSON.decode(Index.self, from: bytes, source: indexPath)
        guard index.schemaVersion == 2 else { throw ReeError(.corrupt, "invalid index '\(indexPath)': schemaVersion \(index.schemaVersion)") }
        return index
    }

    func writeIndex(_ index: Index) throws {
        try FileSystem.writeAtomically(indexPath, CanonicalJSON.encode(index))
    }

    /// All named images, sorted by name.
    public func images() throws -> [NamedImage] {
        try readIndex().manifests.compactMap { d in
            guard let ref = d.refName, let name = try? ImageName(ref) else { return nil }
            return NamedImage(name: name, manifest: d)
        }.sorted { $0.name < $1.name }
    }

    /// The image called `name` (or `name@sha256:...`, which must match, or a bare `sha256:...`);
    /// the error lists the names that exist.
    public func resolve(_ name: String) throws -> NamedImage {
        let all = try images()
        if let at = name.firstIndex(of: "@") ?? (name.hasPrefix("sha256:") ? name.startIndex : nil) {
            let digestText = name[at] == "@" ? String(name[name.index(after: at)...]) : name
            let digest = try Digest(digestText)
            let wanted = name[at] == "@" ? String(name[..<at]) : nil
            if let found = all.first(where: { $0.manifest.digest == digest && (wanted == nil || $0.name.rawValue == wanted || $0.name.repository == wanted) }) {
                return found
            }
            if wanted == nil, blobs.contains(digest) {
                _ = try manifest(digest)   // a manifest we can use, not any blob
                let unnamed = try ImageName("sha256-" + digest.encoded.prefix(12))
                return NamedImage(name: unnamed, manifest: Descriptor(mediaType: .ociManifest, digest: digest, size: try blobs.size(digest)))
            }
            throw ReeError(.notFound, "image '\(name)' not found: no stored image \(wanted.map { "'\($0)' " } ?? "")has manifest \(digest)")
        }
        if let found = all.first(where: { $0.name.rawValue == name }) { return found }
        if !name.contains(":"), let found = all.first(where: { $0.name.rawValue == name + ":latest" }) { return found }
        let available = all.map(\.name.rawValue).joined(separator: ", ")
        throw ReeError(.notFound, "image '\(name)' not found; available: \(available.isEmpty ? "none (run 'ree image bootstrap NAME')" : available)")
    }

    /// Points `name` at a manifest already in the store, replacing any image of that name.
    public func tag(_ name: ImageName, manifest: Descriptor) throws {
        guard blobs.contains(manifest.digest) else {
            throw ReeError(.notFound, "failed to tag '\(name)': manifest \(manifest.digest) is not in the store")
        }
        try withIndexLock {
            var index = try readIndex()
            index.manifests.removeAll { $0.refName == name.rawValue }
            var d = Descriptor(mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size)
            d.platform = manifest.platform
            d.annotations = [Descriptor.refNameAnnotation: name.rawValue]
            index.manifests.append(d)
            index.manifests.sort { ($0.refName ?? "") < ($1.refName ?? "") }
            try writeIndex(index)
        }
    }

    /// Removes the name and any blob no other image needs.
    public func remove(_ name: String) throws {
        let image = try resolve(name)
        try withIndexLock {
            var index = try readIndex()
            index.manifests.removeAll { $0.refName == image.name.rawValue }
            try writeIndex(index)
        }
        try collectGarbage()
    }

    /// Deletes blobs that no named image reaches. Returns how many went.
    @discardableResult
    public func collectGarbage(keeping extra: Set<Digest> = []) throws -> Int {
        try withIndexLock {
            var live = extra
            for d in try readIndex().manifests {
                live.insert(d.digest)
                if let m = try? manifest(d.digest) {
                    live.insert(m.config.digest)
                    for l in m.layers { live.insert(l.digest) }
                }
            }
            var removed = 0
            for d in try blobs.all() where !live.contains(d) {
                try blobs.remove(d)
                removed += 1
            }
            return removed
        }
    }

    // MARK: Reading images

    public func manifest(_ digest: Digest) throws -> Manifest {
        let m = try CanonicalJSON.decode(Manifest.self, from: blobs.read(digest), source: "manifest \(digest)")
        try m.validate(source: "manifest \(digest)")
        return m
    }

    public func manifest(of image: NamedImage) throws -> Manifest { try manifest(image.manifest.digest) }

    public func config(of manifest: Manifest) throws -> ImageConfig {
        try CanonicalJSON.decode(ImageConfig.self, from: blobs.read(manifest.config.digest), source: "config \(manifest.config.digest)")
    }

    /// Stores `config` and a manifest over `layers`, and names it. Returns the manifest descriptor.
    @discardableResult
    public func writeImage(name: ImageName, config: ImageConfig, layers: [Descriptor], annotations: [String: String]? = nil) throws -> Descriptor {
        let configDescriptor = try blobs.put(CanonicalJSON.encode(config), mediaType: .ociConfig)
        for layer in layers where !blobs.contains(layer.digest) {
            throw ReeError(.notFound, "failed to write image '\(name)': layer \(layer.digest) is not in the store")
        }
        let manifest = Manifest(config: configDescriptor, layers: layers, annotations: annotations)
        var descriptor = try blobs.put(CanonicalJSON.encode(manifest), mediaType: .ociManifest)
        descriptor.platform = Platform(architecture: config.architecture, os: config.os, variant: config.variant)
        try tag(name, manifest: descriptor)
        return descriptor
    }
}
