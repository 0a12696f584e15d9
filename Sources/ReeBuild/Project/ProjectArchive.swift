import CReeShim
import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// A ZIP a user handed us (a project, an REE definition), and the one safe way to unpack it.
///
/// Every entry is hostile until checked: paths are normalised and refused when absolute or
/// containing `..`; files and directories are created through `openat2(RESOLVE_IN_ROOT)`, so no
/// symlink, even one planted by an earlier entry, can lead outside the destination; symlinks are
/// kept only when their target stays inside (or refused altogether); hardlinks, devices, FIFOs and
/// sockets are refused; the entry count and the uncompressed size are counted while streaming, so
/// a bomb stops at the limit, not after it has filled the disk. Permission bits and mtimes are kept
/// (never setuid, setgid or sticky bits), so a project reads the same from a ZIP as from a directory.
public enum ProjectArchive {
    public struct Limits: Sendable, Equatable {
        /// Most entries (files, directories, symlinks) in one archive.
        public var maxEntries: Int
        /// Most bytes of file data after decompression, all entries together.
        public var maxTotalBytes: Int64

        public init(maxEntries: Int = 100_000, maxTotalBytes: Int64 = 4 << 30) {
            self.maxEntries = maxEntries
            self.maxTotalBytes = maxTotalBytes
        }
    }

    public enum Symlinks: Sendable {
        /// Any symlink is an error.
        case refuse
        /// Symlinks whose target, resolved from the link's directory, stays inside are made; others are an error.
        case insideOnly
    }

    /// What an unpack wrote.
    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var directories = 0
        public var symlinks = 0
        public var bytes: Int64 = 0
    }

    /// Throws `invalidInput` unless `path` starts like a ZIP and libarchive can read its first entry.
    public static func checkIsZip(_ path: String) throws {
        let file = try FileDescriptor.open(path)
        var magic = [UInt8](repeating: 0, count: 4)
        let n = try magic.withUnsafeMutableBytes { try file.read(into: $0) }
        guard n == 4, magic[0] == 0x50, magic[1] == 0x4b,
              (magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6) else {
            throw ReeError(.invalidInput, "the uploaded file is not a ZIP archive")
        }
        do {
            let reader = try ArchiveReader(path: path, formats: [.zip])
            _ = try reader.next()
        } catch {
            throw ReeError(.invalidInput, "the uploaded file is not a readable ZIP archive")
        }
    }

    /// Unpacks the ZIP at `zip` into the existing, empty directory `destination`.
    @discardableResult
    public static func unpack(zip: String, to destination: String, limits: Limits = Limits(),
                              symlinks: Symlinks = .insideOnly) throws -> Summary {
        let reader = try ArchiveReader(path: zip, formats: [.zip])
        let root = try FileDescriptor.open(destination, O_RDONLY | O_DIRECTORY)
        var summary = Summary()
        var entries = 0
        var madeDirectories: Set<String> = [""]
        // Directory modes and times are set last: writing into a directory changes its mtime.
        var directoryAttributes: [(path: String, mode: UInt32, mtime: Int64)] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)

        while let entry = try reader.next() {
            entries += 1
            if entries > limits.maxEntries {
                throw ReeError(.limitExceeded, "failed to unpack the archive: more than \(limits.maxEntries) entries")
            }
            let path = try ProjectPath.normalize(entry.path, what: "archive entry")
            if path.isEmpty { continue }
            let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
            switch entry.kind {
            case .directory:
                try makeDirectories(path, root: root, made: &madeDirectories)
                directoryAttributes.append((path, entry.mode, entry.mtime))
                summary.directories += 1
            case .regular:
                try makeDirectories(parent, root: root, made: &madeDirectories)
                let fd = ree_openat_in_root(root.rawValue, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if fd < 0 {
                    if errno == EEXIST { throw ReeError(.invalidInput, "failed to unpack entry '\(path)': it exists already (a duplicate entry)") }
                    throw ReeError.system("create file", path)
                }
                let file = FileDescriptor(adopting: fd, path: path)
                while true {
                    let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if n == 0 { break }
                    summary.bytes += Int64(n)
                    if summary.bytes > limits.maxTotalBytes {
                        throw ReeError(.limitExceeded, "failed to unpack entry '\(path)': the archive expands past the limit of \(limits.maxTotalBytes) bytes")
                    }
                    try buffer.withUnsafeBytes { try file.writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                }
                try setAttributes(file, mode: fileMode(entry.mode), mtime: entry.mtime)
                try file.close()
                summary.files += 1
            case .symlink:
                let target = entry.linkTarget ?? ""
                guard symlinks == .insideOnly else {
                    throw ReeError(.invalidInput, "failed to unpack entry '\(path)': symlinks are not allowed in this archive")
                }
                guard symlinkStaysInside(target: target, linkPath: path) else {
                    throw ReeError(.invalidInput, "failed to unpack entry '\(path)': its symlink target '\(target.prefix(200))' points outside the project")
                }
                try makeDirectories(parent, root: root, made: &madeDirectories)
                let dir = try openDirectory(parent, root: root)
                if symlinkat(target, dir.rawValue, FileSystem.lastComponent(of: path)) != 0 {
                    if errno == EEXIST { throw ReeError(.invalidInput, "failed to unpack entry '\(path)': it exists already (a duplicate entry)") }
                    throw ReeError.system("create symlink", path)
                }
                summary.symlinks += 1
            case .hardlink:
                throw ReeError(.invalidInput, "failed to unpack entry '\(path)': hardlinks are not allowed in a project archive")
            case .characterDevice, .blockDevice, .fifo, .socket:
                throw ReeError(.invalidInput, "failed to unpack entry '\(path)': device files, FIFOs and sockets are not allowed in a project archive")
            }
        }
        for (path, mode, mtime) in directoryAttributes.reversed() {
            // Always writable and searchable by the owner: the tree must stay removable.
            try setAttributes(try openDirectory(path, root: root), mode: fileMode(mode, directory: true) | 0o700, mtime: mtime)
        }
        return summary
    }

    /// Throws `invalidInput` unless `relativePath` names a regular file inside `directory` (symlinks followed, inside it only).
    public static func requireRegularFile(_ relativePath: String, in directory: String, what: String) throws {
        let root = try FileDescriptor.open(directory, O_RDONLY | O_DIRECTORY)
        let fd = ree_openat_in_root(root.rawValue, relativePath, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0)
        guard fd >= 0 else { throw ReeError(.invalidInput, "\(what) '\(relativePath)' does not exist in the project") }
        let file = FileDescriptor(adopting: fd, path: relativePath)
        let st = try file.stat()
        guard (st.st_mode & ree_s_ifmt) == ree_s_ifreg else {
            throw ReeError(.invalidInput, "\(what) '\(relativePath)' is not a regular file")
        }
    }

    /// True when `target`, resolved lexically from the directory holding `linkPath`, stays inside the root.
    static func symlinkStaysInside(target: String, linkPath: String) -> Bool {
        if target.isEmpty || target.hasPrefix("/") || target.utf8.contains(0) { return false }
        var depth = linkPath.split(separator: "/").count - 1
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                depth -= 1
                if depth < 0 { return false }
            } else {
                depth += 1
            }
        }
        return true
    }

    /// The permission bits of an entry; archives written without Unix modes get the usual defaults.
    static func fileMode(_ mode: UInt32, directory: Bool = false) -> mode_t {
        let permissions = mode_t(mode & 0o777)
        if permissions == 0 { return directory ? 0o755 : 0o644 }
        return permissions
    }

    private static func setAttributes(_ file: FileDescriptor, mode: mode_t, mtime: Int64) throws {
        guard fchmod(file.rawValue, mode) == 0 else { throw ReeError.system("chmod", file.path) }
        var times = [timespec(tv_sec: time_t(max(mtime, 0)), tv_nsec: 0), timespec(tv_sec: time_t(max(mtime, 0)), tv_nsec: 0)]
        guard futimens(file.rawValue, &times) == 0 else { throw ReeError.system("set the times of", file.path) }
    }

    private static func openDirectory(_ path: String, root: FileDescriptor) throws -> FileDescriptor {
        let fd = ree_openat_in_root(root.rawValue, path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
        if fd < 0 { throw ReeError.system("open directory", path) }
        return FileDescriptor(adopting: fd, path: path)
    }

    /// `mkdir -p` inside the root, one component at a time, each parent resolved inside the root.
    private static func makeDirectories(_ path: String, root: FileDescriptor, made: inout Set<String>) throws {
        if made.contains(path) { return }
        var prefix = ""
        for component in path.split(separator: "/") {
            let next = prefix.isEmpty ? String(component) : prefix + "/" + component
            if !made.contains(next) {
                let parent = try openDirectory(prefix, root: root)
                if mkdirat(parent.rawValue, String(component), 0o755) != 0 && errno != EEXIST {
                    throw ReeError.system("create directory", next)
                }
                // Whatever is there now must be a directory (or a symlink to one inside the root).
                _ = try openDirectory(next, root: root)
                made.insert(next)
            }
            prefix = next
        }
    }
}
