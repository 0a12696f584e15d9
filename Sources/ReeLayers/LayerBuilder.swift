import ReeArchive
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Assembles a layer from entries of any origin (tar streams, generated files), later entries
/// replacing earlier ones at the same path, then writes them sorted bytewise by path.
///
/// File data is spooled to one unlinked temporary file, so memory holds only the headers.
public final class LayerBuilder {
    private enum Data { case none, spooled(offset: Int64, size: Int64), bytes([UInt8]) }
    private struct Item { var entry: ArchiveEntry; var data: Data }

    private var items: [String: Item] = [:]
    private let spool: FileDescriptor
    private var spoolSize: Int64 = 0

    public init(temporaryDirectory: String) throws {
        spool = try FileSystem.makeTemporaryFile(in: temporaryDirectory, prefix: "spool-")
        unlink(spool.path)
    }

    public var paths: [String] { Array(items.keys) }

    public func entry(at path: String) -> ArchiveEntry? { items[Self.key(path)]?.entry }

    /// Adds a file, directory or link; missing parent directories are added as 0755 root-owned.
    public func add(_ entry: ArchiveEntry, contents: [UInt8] = []) {
        var e = entry
        let key = Self.key(e.path)
        e.path = key
        if e.kind == .regular { e.size = Int64(contents.count) }
        if let target = e.linkTarget, e.kind == .hardlink { e.linkTarget = Self.key(target) }
        addParents(of: key, mtime: e.mtime)
        // A directory replacing a directory keeps the children; anything else replaces the path.
        items[key] = Item(entry: e, data: contents.isEmpty ? .none : .bytes(contents))
    }

    /// The data of a regular file in the builder.
    public func contents(at path: String) throws -> [UInt8] {
        guard let item = items[Self.key(path)], item.entry.kind == .regular else {
            throw ReeError(.notFound, "no file '\(path)' in the layer")
        }
        switch item.data {
        case .none: return []
        case .bytes(let b): return b
        case .spooled(let offset, let size):
            var out = [UInt8](repeating: 0, count: Int(size))
            let n = out.withUnsafeMutableBytes { pread(spool.rawValue, $0.baseAddress, Int(size), off_t(offset)) }
            guard n == Int(size) else { throw ReeError.system("read spool for", path) }
            return out
        }
    }

    public func remove(_ path: String) { items[Self.key(path)] = nil }

    /// Adds every entry of a tar stream; `transform` may rewrite an entry or drop it (return false).
    public func addAll(from reader: ArchiveReader, transform: (inout ArchiveEntry) -> Bool = { _ in true }) throws {
        while let raw = try reader.next() {
            var entry = raw
            let path = Self.key(entry.path)
            guard !path.isEmpty, path != "." else { continue }
            entry.path = path
            if entry.kind == .hardlink, let t = entry.linkTarget { entry.linkTarget = Self.key(t) }
            guard transform(&entry) else { continue }
            var data = Data.none
            if entry.kind == .regular && entry.size > 0 {
                let offset = spoolSize
                try spool.seek(to: offset)
                let n = try reader.copyData(to: spool)
                spoolSize += n
                entry.size = n
                data = .spooled(offset: offset, size: n)
            }
            addParents(of: path, mtime: entry.mtime)
            items[path] = Item(entry: entry, data: data)
        }
    }

    private func addParents(of key: String, mtime: Int64) {
        var parent = FileSystem.parent(of: key)
        while parent != "." && parent != "/" && !parent.isEmpty && items[parent] == nil {
            items[parent] = Item(entry: ArchiveEntry(path: parent, kind: .directory, mode: 0o755, mtime: mtime), data: .none)
            parent = FileSystem.parent(of: parent)
        }
    }

    /// `./a/b/` → `a/b`.
    public static func key(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        while p.hasPrefix("/") { p = p.dropFirst() }
        while p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }

    /// Writes all entries, sorted bytewise, into a new layer blob.
    public func commit(to store: BlobStore, compression: ArchiveCompression, epoch: Int64?) throws -> CommittedLayer {
        let stream = try LayerStream(store: store, compression: compression, epoch: epoch)
        try write(to: stream.tar)
        return try stream.finish()
    }

    /// Writes all entries, sorted, to `tar`. A hardlink group's data goes with its first path
    /// in sort order, so every link follows its target as tar readers require.
    public func write(to tar: ArchiveWriter) throws {
        let sorted = items.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var groupHead: [String: String] = [:]   // original target -> first path in order
        for path in sorted {
            guard let item = items[path], item.entry.kind == .hardlink, let target = item.entry.linkTarget,
                  let t = items[target], t.entry.kind == .regular else { continue }
            if let head = groupHead[target] {
                if path.utf8.lexicographicallyPrecedes(head.utf8) { groupHead[target] = path }
            } else {
                groupHead[target] = target.utf8.lexicographicallyPrecedes(path.utf8) ? target : path
            }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for path in sorted {
            guard var item = items[path] else { continue }
            if item.entry.kind == .hardlink, let target = item.entry.linkTarget {
                guard let t = items[target], t.entry.kind == .regular else {
                    throw ReeError(.corrupt, "failed to write layer: hardlink '\(path)' points to '\(target)', which is not a file in the layer")
                }
                if groupHead[target] == path {
                    item = Item(entry: { var e = t.entry; e.path = path; return e }(), data: t.data)
                } else {
                    item.entry.linkTarget = groupHead[target] ?? target
                }
            } else if item.entry.kind == .regular, let head = groupHead[path], head != path {
                var e = item.entry
                e.kind = .hardlink
                e.linkTarget = head
                e.size = 0
                item = Item(entry: e, data: .none)
            }
            var entry = item.entry
            if entry.kind == .directory { entry.path = path + "/" }
            try tar.writeHeader(entry)
            switch item.data {
            case .none: break
            case .bytes(let b): try b.withUnsafeBytes { try tar.writeData($0) }
            case .spooled(let offset, let size):
                var done: Int64 = 0
                while done < size {
                    let want = Int(min(Int64(buffer.count), size - done))
                    let n = buffer.withUnsafeMutableBytes { pread(spool.rawValue, $0.baseAddress, want, off_t(offset + done)) }
                    guard n > 0 else { throw ReeError.system("read spool for", path) }
                    try buffer.withUnsafeBytes { try tar.writeData(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    done += Int64(n)
                }
            }
        }
    }
}
