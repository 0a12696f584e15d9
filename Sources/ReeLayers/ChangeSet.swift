import ReeArchive
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The changes one step made, whichever differ found them, written as a layer in one order:
/// sorted bytewise by path, parents of every change included, hardlinks kept.
public final class ChangeSet {
    enum Change {
        case node(FileNode)
        case whiteout
    }

    private var changes: [String: Change] = [:]
    let ids: OwnerMapping
    let epoch: Int64?

    init(ids: OwnerMapping, epoch: Int64?) {
        self.ids = ids
        self.epoch = epoch
    }

    public var isEmpty: Bool { changes.isEmpty }
    public var paths: [String] { changes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    func add(_ path: String, _ node: FileNode) { changes[path] = .node(node) }

    func addWhiteout(_ path: String) {
        let parent = FileSystem.parent(of: path)
        let name = FileSystem.lastComponent(of: path)
        changes[(parent == "." ? "" : parent + "/") + ".wh." + name] = .whiteout
    }

    /// Adds every missing ancestor of a change, taking its metadata from `tree`.
    func addParents(from tree: String) throws {
        for path in Array(changes.keys) {
            var parent = FileSystem.parent(of: path)
            while parent != "." && !parent.isEmpty && changes[parent] == nil {
                guard let node = try FileNode(tree + "/" + parent) else { break }
                changes[parent] = .node(node)
                parent = FileSystem.parent(of: parent)
            }
        }
    }

    /// True when `a` (new) and `below` (lower, nil when absent) would give the same layer entry:
    /// the rule both differs use to decide what is a change.
    static func same(_ a: FileNode, _ below: FileNode?, ids: OwnerMapping, epoch: Int64?) throws -> Bool {
        guard let b = below else { return false }
        guard a.type == b.type,
              a.stat.st_mode & 0o7777 == b.stat.st_mode & 0o7777,
              ids.toContainer(uid: a.stat.st_uid) == ids.toContainer(uid: b.stat.st_uid),
              ids.toContainer(gid: a.stat.st_gid) == ids.toContainer(gid: b.stat.st_gid),
              a.xattrs == b.xattrs else { return false }
        let clamp = { (t: Int) -> Int64 in epoch.map { min(Int64(t), $0) } ?? Int64(t) }
        guard clamp(a.stat.st_mtim.tv_sec) == clamp(b.stat.st_mtim.tv_sec) else { return false }
        switch a.type {
        case FileType.regular:
            guard a.stat.st_size == b.stat.st_size else { return false }
            return try sameContent(a.hostPath, b.hostPath)
        case FileType.symlink:
            return try a.linkTarget() == b.linkTarget()
        case FileType.characterDevice, FileType.blockDevice:
            return a.stat.st_rdev == b.stat.st_rdev
        default:
            return true
        }
    }

    static func sameContent(_ a: String, _ b: String) throws -> Bool {
        let fa = try FileDescriptor.open(a), fb = try FileDescriptor.open(b)
        var ba = [UInt8](repeating: 0, count: 1 << 16), bb = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let na = try ba.withUnsafeMutableBytes { try fa.read(into: $0) }
            var nb = 0
            while nb < na {
                let n = try bb.withUnsafeMutableBytes { try fb.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[nb..<na])) }
                if n == 0 { return false }
                nb += n
            }
            if na == 0 { return try bb.withUnsafeMutableBytes { try fb.read(into: $0) } == 0 }
            if ba[0..<na] != bb[0..<na] { return false }
        }
    }

    /// Writes the changes as a layer into `store`.
    public func commit(to store: BlobStore, compression: ArchiveCompression) throws -> CommittedLayer {
        let stream = try LayerStream(store: store, compression: compression, epoch: epoch)
        try write(to: stream.tar)
        return try stream.finish()
    }

    /// Writes the changes to `tar`. Files sharing an inode: the first path carries the data.
    public func write(to tar: ArchiveWriter) throws {
        var firstOfInode: [UInt64: String] = [:]
        for path in paths {
            guard let change = changes[path] else { continue }
            switch change {
            case .whiteout:
                try tar.writeHeader(ArchiveEntry(path: path, kind: .regular, mode: 0o644, mtime: 0))
            case .node(let node):
                guard var entry = try node.entry(path: path, ids: ids, epoch: epoch) else { continue }
                if entry.kind == .directory { entry.path += "/" }
                if entry.kind == .regular && node.stat.st_nlink > 1 {
                    let key = UInt64(node.stat.st_ino) ^ (UInt64(node.stat.st_dev) << 48)
                    if let first = firstOfInode[key] {
                        entry.kind = .hardlink
                        entry.linkTarget = first
                        entry.size = 0
                        try tar.writeHeader(entry)
                        continue
                    }
                    firstOfInode[key] = path
                }
                try tar.writeHeader(entry)
                if entry.kind == .regular && entry.size > 0 {
                    let fd = try FileDescriptor.open(node.hostPath, O_RDONLY | O_NOFOLLOW)
                    try tar.writeData(from: fd, size: entry.size)
                }
            }
        }
    }
}
