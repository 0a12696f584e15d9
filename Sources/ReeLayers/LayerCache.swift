import ReeArchive
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Layers unpacked once under `$REE_HOME/layers/<diffID hex>`, read-only in use, shared by every
/// sandbox as overlay lower directories. A layer appears there only when fully unpacked and its
/// blob verified: it is unpacked beside the cache and renamed into place.
public struct LayerCache: Sendable {
    public enum Ownership: Sendable {
        /// Files keep the tar's owners (as root; an unprivileged unpack owns everything anyway).
        case preserve
        /// Every file belongs to us: for a single-id sandbox run by root, where only our id is
        /// mapped and files of other owners (`_apt`'s 0700 directories) would be out of reach.
        case flatten
    }

    public let store: ImageStore
    public let ownership: Ownership
    public var directory: String { store.home + (ownership == .preserve ? "/layers" : "/layers-flat") }

    public init(store: ImageStore, ownership: Ownership = .preserve) throws {
        self.store = store
        self.ownership = ownership
        try FileSystem.createDirectory(store.home + (ownership == .preserve ? "/layers" : "/layers-flat"), mode: 0o700)
    }

    /// The cache a sandbox in `single` id mode needs: flattened when we are root.
    public static func ownership(singleIDMode: Bool) -> Ownership {
        singleIDMode && geteuid() == 0 ? .flatten : .preserve
    }

    /// The unpacked directory of each layer of `image`, bottom layer first.
    public func unpackedLayers(of image: NamedImage) throws -> [String] {
        let manifest = try store.manifest(of: image)
        let config = try store.config(of: manifest)
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw ReeError(.corrupt, "image '\(image.name)': \(manifest.layers.count) layers but \(config.rootfs.diffIDs.count) diff_ids")
        }
        return try zip(manifest.layers, config.rootfs.diffIDs).map { try unpacked($0.0, diffID: $0.1) }
    }

    /// The unpacked directory of one layer, unpacking it first if needed.
    public func unpacked(_ layer: Descriptor, diffID: Digest) throws -> String {
        let target = "\(directory)/\(diffID.encoded)"
        if FileSystem.isDirectory(target) { return target }
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "unpack-")
        defer { try? FileSystem.removeTree(work) }
        let root = work + "/rootfs"
        try checked("create directory", root) { mkdir(root, 0o755) }

        let verified = try store.blobs.open(layer.digest, expectedSize: layer.size)
        let reader = try ArchiveReader(source: verified, name: "layer \(layer.digest)")
        var unpacker = LayerUnpacker(whiteouts: .overlay)
        if ownership == .flatten { unpacker.preserveOwnership = false }
        try unpacker.apply(reader, to: root)
        // libarchive stops at the tar's end; read the blob's tail so its digest is checked.
        var scratch = [UInt8](repeating: 0, count: 65536)
        while try scratch.withUnsafeMutableBytes({ try verified.read(into: $0) }) > 0 {}

        if rename(root, target) != 0 {
            if errno == EEXIST || errno == ENOTEMPTY { return target }  // another process won the race
            throw ReeError.system("rename unpacked layer to", target)
        }
        FileSystem.syncDirectory(directory)
        return target
    }
}
