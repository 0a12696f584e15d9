import ReeLayers
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Writes COPY and ADD results into a step's upper directory, as an overlay would after a copy:
/// parents that exist below are copied up with their metadata, new ones are created 0755.
/// The overlay differ then turns the upper directory into the layer.
struct UpperWriter {
    let upper: String
    let lower: LowerView
    var owner: (uid: UInt32, gid: UInt32) = (0, 0)
    var chmod: UInt32?
    /// `COPY --exclude` patterns, matched against source paths as `.dockerignore` lines are.
    var exclude: ((String) -> Bool)?
    var epoch: Int64
    /// `--link`: directories this writer creates are root's, 0755, whatever `owner` and `chmod` say
    /// (the layer must not depend on anything but its sources).
    var freshParents = false
    let canChown = geteuid() == 0

    /// Makes `path` (relative) a directory in the upper dir, copying up its ancestors.
    func ensureDirectory(_ path: String, createdMode: UInt32 = 0o755) throws {
        guard !path.isEmpty else { return }
        var walked = ""
        for component in path.split(separator: "/").map(String.init) {
            walked = walked.isEmpty ? component : walked + "/" + component
            let host = upper + "/" + walked
            var st = stat()
            if lstat(host, &st) == 0 {
                if (st.st_mode & FileType.mask) == FileType.directory { continue }
                try FileSystem.removeTree(host)
            }
            if let below = try lower.hostPath(walked), lstat(below, &st) == 0, (st.st_mode & FileType.mask) == FileType.directory {
                try checked("create directory", host) { mkdir(host, 0o700) }
                try finish(host, uid: st.st_uid, gid: st.st_gid, mode: UInt32(st.st_mode & 0o7777), mtime: st.st_mtim)
            } else if freshParents {
                try checked("create directory", host) { mkdir(host, 0o700) }
                try finish(host, uid: 0, gid: 0, mode: 0o755, mtime: timespec(tv_sec: Int(epoch), tv_nsec: 0))
            } else {
                try checked("create directory", host) { mkdir(host, 0o700) }
                try finish(host, uid: owner.uid, gid: owner.gid, mode: chmod ?? createdMode, mtime: timespec(tv_sec: Int(epoch), tv_nsec: 0))
            }
        }
    }

    /// `path` with every symlink on the way followed inside the image (this step's upper directory
    /// over the lower layers), as Docker resolves a COPY or ADD destination (continuity's RootPath):
    /// an absolute target restarts at the root, `..` stops there.
    func resolvedInImage(_ path: String) throws -> String {
        var pending = path.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = (resolved + [component]).joined(separator: "/")
            var st = stat()
            guard let host = try visiblePath(candidate), lstat(host, &st) == 0, (st.st_mode & FileType.mask) == FileType.symlink else {
                resolved.append(component)
                continue
            }
            hops += 1
            guard hops <= 40 else { throw ReeError(.invalidInput, "failed to resolve '/\(path)': too many levels of symbolic links") }
            var buffer = [CChar](repeating: 0, count: 4097)
            let n = try checked("read link", host) { readlink(host, &buffer, 4096) }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") { resolved = [] }
            pending = target.split(separator: "/").map(String.init) + pending
        }
        return resolved.joined(separator: "/")
    }

    /// The host path that shows at `path`: this step's upper directory first, then the lower layers.
    private func visiblePath(_ path: String) throws -> String? {
        var st = stat()
        let host = upper + "/" + path
        if lstat(host, &st) == 0 { return host }
        return try lower.hostPath(path)
    }

    /// Whether `path` is a directory in the merged view (upper over lower).
    func isDirectory(_ path: String) throws -> Bool {
        var st = stat()
        if lstat(upper + "/" + path, &st) == 0 { return (st.st_mode & FileType.mask) == FileType.directory }
        guard let below = try lower.hostPath(path) else { return false }
        return lstat(below, &st) == 0 && (st.st_mode & FileType.mask) == FileType.directory
    }

    /// Copies `source` (file, symlink or directory tree) from `tree` to `destination` in the upper dir.
    func copy(_ source: String, from tree: SourceTree, to destination: String, contentsOnly: Bool) throws {
        guard let st = try tree.status(source) else { throw ReeError(.notFound, "COPY failed: '\(source)' not found in \(tree.name)") }
        if (st.st_mode & FileType.mask) == FileType.directory {
            if !contentsOnly { try ensureDirectory(destination) }
            try ensureDirectory(destination)
            for child in try tree.children(source) {
                let s = source.isEmpty ? child : source + "/" + child
                try copyNode(s, from: tree, to: destination.isEmpty ? child : destination + "/" + child)
            }
        } else {
            try copyNode(source, from: tree, to: destination)
        }
    }

    private func copyNode(_ source: String, from tree: SourceTree, to destination: String) throws {
        if exclude?(source) == true { return }
        guard let st = try tree.status(source) else { return }   // excluded by .dockerignore
        try ensureDirectory(FileSystem.parent(of: destination) == "." ? "" : FileSystem.parent(of: destination))
        let host = upper + "/" + destination
        var existing = stat()
        if lstat(host, &existing) == 0 {
            let bothDirs = (existing.st_mode & FileType.mask) == FileType.directory && (st.st_mode & FileType.mask) == FileType.directory
            if !bothDirs { try FileSystem.removeTree(host) }
        }
        let mode = UInt32(st.st_mode & 0o7777)
        switch st.st_mode & FileType.mask {
        case FileType.directory:
            if lstat(host, &existing) != 0 { try checked("create directory", host) { mkdir(host, 0o700) } }
            for child in try tree.children(source) {
                try copyNode(source + "/" + child, from: tree, to: destination + "/" + child)
            }
            try finish(host, uid: owner.uid, gid: owner.gid, mode: chmod ?? mode, mtime: st.st_mtim)
        case FileType.regular:
            let input = try tree.open(source)
            let output = try FileDescriptor.open(host, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try output.writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            try output.close()
            try finish(host, uid: owner.uid, gid: owner.gid, mode: chmod ?? mode, mtime: st.st_mtim)
        case FileType.symlink:
            let target = try tree.linkTarget(source)
            try checked("create symlink", host) { symlink(target, host) }
            if canChown { try checked("chown", host) { lchown(host, owner.uid, owner.gid) } }
            var times = [st.st_mtim, st.st_mtim]
            try checked("set times of", host) { utimensat(AT_FDCWD, host, &times, AT_SYMLINK_NOFOLLOW) }
        default:
            break   // devices, fifos and sockets are not copied from a context
        }
    }

    /// Writes a file with `content` (COPY heredocs, ADD of generated files).
    func write(_ content: [UInt8], to destination: String, mode: UInt32) throws {
        try ensureDirectory(FileSystem.parent(of: destination) == "." ? "" : FileSystem.parent(of: destination))
        let host = upper + "/" + destination
        try FileSystem.removeTree(host)
        let fd = try FileDescriptor.open(host, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
        try fd.writeAll(content)
        try fd.close()
        try finish(host, uid: owner.uid, gid: owner.gid, mode: chmod ?? mode, mtime: timespec(tv_sec: Int(epoch), tv_nsec: 0))
    }

    /// Moves a downloaded file (`ADD <URL>`, on the same file system) to `destination`, with `mode`
    /// unless `--chmod` says otherwise, and `mtime` clamped to the epoch.
    func move(_ file: String, to destination: String, mode: UInt32, mtime: Int64) throws {
        try ensureDirectory(FileSystem.parent(of: destination) == "." ? "" : FileSystem.parent(of: destination))
        let host = upper + "/" + destination
        try FileSystem.removeTree(host)
        try checked("move download to", host) { rename(file, host) }
        try finish(host, uid: owner.uid, gid: owner.gid, mode: chmod ?? mode, mtime: timespec(tv_sec: Int(min(mtime, epoch)), tv_nsec: 0))
    }

    private func finish(_ host: String, uid: UInt32, gid: UInt32, mode: UInt32, mtime: timespec) throws {
        if canChown { try checked("chown", host) { lchown(host, uid, gid) } }
        try checked("chmod", host) { Glibc.chmod(host, mode_t(mode)) }
        var times = [mtime, mtime]
        try checked("set times of", host) { utimensat(AT_FDCWD, host, &times, AT_SYMLINK_NOFOLLOW) }
    }
}
