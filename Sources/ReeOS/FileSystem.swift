#if canImport(Glibc)
import Glibc
#endif
import CReeShim

/// Path-based file operations with typed errors. Paths here are trusted (ours); anything
/// resolved inside an untrusted tree goes through `RootDirectory` instead.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & FileType.mask) == FileType.directory
    }

    /// `mkdir -p`.
    public static func createDirectory(_ path: String, mode: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw ReeError.system("create directory", prefix)
            }
        }
        if !isDirectory(path) { throw ReeError(.conflict, "failed to create directory '\(path)': a file is in the way") }
    }

    /// Writes `bytes` to `path` atomically: a temp file in the same directory, fsync, rename.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        let directory = parent(of: path)
        let file = try makeTemporaryFile(in: directory, prefix: ".tmp-")
        let tmp = file.path
        let fd = file.rawValue
        do {
            try file.writeAll(bytes)
            try checked("chmod", tmp) { fchmod(fd, mode) }
            try file.sync()
            try file.close()
            try checked("rename", path) { rename(tmp, path) }
        } catch {
            unlink(tmp)
            throw error
        }
        syncDirectory(directory)
    }

    /// fsync on a directory makes a rename in it durable; failures are not fatal.
    public static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    public static func readFile(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        try FileDescriptor.open(path).readToEnd(limit: limit)
    }

    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Sets the access and modification times of `path` (not following a final symlink).
    public static func setTimes(_ path: String, seconds: Int64) throws {
        var times = [timespec(tv_sec: time_t(seconds), tv_nsec: 0), timespec(tv_sec: time_t(seconds), tv_nsec: 0)]
        try checked("set times of", path) { utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) }
    }

    /// The target of the symlink at `path`, as stored (not resolved).
    public static func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = try checked("read link", path) { readlink(path, &buffer, buffer.count - 1) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Entries of a directory, without "." and "..", unsorted.
    public static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw ReeError.system("list directory", path) }
        return readNames(dir)
    }

    /// Entries of the directory open at `fd` (which may be an O_PATH descriptor).
    public static func listDirectory(_ fd: FileDescriptor) throws -> [String] {
        let copy = try checked("open", fd.path) { openat(fd.rawValue, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let dir = fdopendir(copy) else {
            close(copy)
            throw ReeError.system("list directory", fd.path)
        }
        return readNames(dir)
    }

    /// Reads and closes `dir`.
    private static func readNames(_ dir: OpaquePointer) -> [String] {
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `rm -rf` without following symlinks; a missing path is not an error.
    public static func removeTree(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return }
            throw ReeError.system("stat", path)
        }
        if (st.st_mode & FileType.mask) == FileType.directory {
            // A read-only directory (from a layer) must become writable before its entries go.
            if st.st_mode & 0o700 != 0o700 { chmod(path, 0o700) }
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 && errno != ENOENT { throw ReeError.system("remove directory", path) }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw ReeError.system("remove", path)
        }
    }

    /// Creates and opens a fresh file `<directory>/<prefix>XXXXXX` (close-on-exec).
    public static func makeTemporaryFile(in directory: String, prefix: String) throws -> FileDescriptor {
        let (fd, path) = withTemplate("\(directory)/\(prefix)XXXXXX") { ree_mkstemp_cloexec($0) }
        guard fd >= 0 else { throw ReeError.system("create temporary file in", directory) }
        return FileDescriptor(adopting: fd, path: path)
    }

    /// Creates a fresh directory `<parent>/<prefix>XXXXXX`.
    public static func makeTemporaryDirectory(in parent: String, prefix: String) throws -> String {
        try createDirectory(parent)
        let (made, path) = withTemplate("\(parent)/\(prefix)XXXXXX") { mkdtemp($0) }
        guard made != nil else { throw ReeError.system("create temporary directory in", parent) }
        return path
    }

    /// Calls `body` with a writable C copy of `template` (mkstemp and mkdtemp fill in the X's);
    /// returns its result and the filled-in path.
    private static func withTemplate<T>(_ template: String, _ body: (UnsafeMutablePointer<CChar>) -> T) -> (T, String) {
        let count = template.utf8.count + 1
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: count)
        defer { buffer.deallocate() }
        template.withCString { buffer.initialize(from: $0, count: count) }
        let result = body(buffer)
        return (result, String(cString: buffer))
    }
}
