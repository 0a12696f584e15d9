#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import ReeOS

/// A private scratch directory for one step, outside the rootfs: the root mountpoint, the files bound
/// read-only into the root (/etc/hosts, /etc/hostname, the apt sandbox setting) and, in overlay mode,
/// the stub lower layer that provides missing mountpoints. Nothing of it lands in the upper directory.
struct StepDirectory {
    let path: String
    var mountpoint: String { "\(path)/root" }
    var stubs: String { "\(path)/stubs" }

    static func create() throws -> StepDirectory {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/ree-sandbox.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw ReeError.system("create step directory in", base) }
        let dir = StepDirectory(path: String(cString: made))
        try checked("create directory", dir.mountpoint) { mkdir(dir.mountpoint, 0o755) }
        return dir
    }

    func writeFile(_ name: String, _ content: String) throws -> String {
        let path = "\(self.path)/\(name)"
        let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        try fd.writeAll(Array(content.utf8))
        try checked("chmod", path) { fchmod(fd.rawValue, 0o644) }
        return path
    }

    /// Creates `target` (and its parents) in the stub tree: a directory or an empty file.
    func addStub(_ target: String, directory: Bool) throws {
        var current = stubs
        if access(current, F_OK) != 0 { try checked("create directory", current) { mkdir(current, 0o755) } }
        let components = target.split(separator: "/")
        for (i, component) in components.enumerated() {
            current += "/\(component)"
            let last = i == components.count - 1
            if last && !directory {
                let fd = Glibc.open(current, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
                if fd < 0 { throw ReeError.system("create mountpoint stub", current) }
                Glibc.close(fd)
            } else if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ReeError.system("create mountpoint stub", current)
            }
        }
    }

    func remove() {
        removeTree(path)
    }
}

/// rm -rf without following symlinks; best effort.
func removeTree(_ path: String) {
    let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if fd < 0 {
        _ = unlink(path)
        return
    }
    removeContents(of: fd)
    _ = rmdir(path)
}

private func removeContents(of fd: Int32) {
    guard let dir = fdopendir(fd) else {
        Glibc.close(fd)
        return
    }
    defer { closedir(dir) }
    var names: [(String, Bool)] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name == "." || name == ".." { continue }
        names.append((name, entry.pointee.d_type == UInt8(DT_DIR)))
    }
    for (name, isDirectory) in names {
        if isDirectory {
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child >= 0 { removeContents(of: child) }
            _ = unlinkat(fd, name, AT_REMOVEDIR)
        } else {
            _ = unlinkat(fd, name, 0)
        }
    }
}

/// Validates an absolute path inside the root and returns it normalised ("/a/b"), refusing "..".
func normalizedRootPath(_ path: String, what: String) throws -> String {
    guard path.hasPrefix("/") else { throw ReeError(.invalidInput, "failed to use \(what) '\(path)': not absolute") }
    var parts: [Substring] = []
    for component in path.split(separator: "/") where component != "." {
        if component == ".." { throw ReeError(.invalidInput, "failed to use \(what) '\(path)': contains '..'") }
        parts.append(component)
    }
    return "/" + parts.joined(separator: "/")
}

/// Mountpoints created inside a `.directory` root before the step and removed after it, deepest first.
struct CreatedMountpoints {
    private(set) var paths: [(path: String, directory: Bool)] = []

    mutating func ensure(root: FileDescriptor, target: String, directory: Bool) throws {
        let components = target.split(separator: "/")
        var prefix = ""
        for (i, component) in components.enumerated() {
            let path = prefix + "/" + component
            let last = i == components.count - 1
            let existing = ree_openat_in_root(root.rawValue, path, ree_o_path | O_CLOEXEC, 0)
            if existing >= 0 {
                Glibc.close(existing)
                prefix = path
                continue
            }
            guard errno == ENOENT else { throw ReeError.system("resolve mountpoint", target) }
            let parentFD = try checked("resolve mountpoint", target) {
                ree_openat_in_root(root.rawValue, prefix.isEmpty ? "/" : prefix, ree_o_path | O_DIRECTORY | O_CLOEXEC, 0)
            }
            let parent = FileDescriptor(adopting: parentFD, path: prefix)
            let isDirectory = !last || directory
            if isDirectory {
                try checked("create mountpoint", path) { mkdirat(parent.rawValue, String(component), 0o755) }
            } else {
                let fd = try checked("create mountpoint", path) {
                    openat(parent.rawValue, String(component), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                }
                Glibc.close(fd)
            }
            paths.append((path, isDirectory))
            prefix = path
        }
    }

    /// Best effort: a directory the step filled stays.
    func remove(root: FileDescriptor) {
        for (path, directory) in paths.reversed() {
            guard let slash = path.lastIndex(of: "/") else { continue }
            let parentPath = slash == path.startIndex ? "/" : String(path[..<slash])
            let name = String(path[path.index(after: slash)...])
            let parent = ree_openat_in_root(root.rawValue, parentPath, ree_o_path | O_DIRECTORY | O_CLOEXEC, 0)
            guard parent >= 0 else { continue }
            _ = unlinkat(parent, name, directory ? AT_REMOVEDIR : 0)
            Glibc.close(parent)
        }
    }
}
