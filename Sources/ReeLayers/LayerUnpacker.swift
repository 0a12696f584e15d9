import CReeShim
import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Applies OCI layer tars to a directory, resolving every path inside it.
///
/// Each parent directory is opened with `openat2(RESOLVE_IN_ROOT)`, so `..` and symlinks
/// (absolute or relative) clamp at the root as if it were `/`; the last component is acted on
/// with `*at` calls that never follow it. Entries with `..` components are refused outright.
public struct LayerUnpacker {
    public enum WhiteoutMode: Sendable {
        /// Delete what whiteouts name (flattening layers into one tree).
        case apply
        /// Keep whiteouts as overlayfs expects them in a lower directory: a 0/0 character device
        /// for `.wh.NAME` and `user.overlay.opaque=y` for `.wh..wh..opq`.
        case overlay
    }

    public struct Limits: Sendable {
        public var maxEntries = 2_000_000
        public var maxBytes: Int64 = 64 << 30
        public init() {}
    }

    public var whiteouts: WhiteoutMode
    public var limits = Limits()
    /// chown to the tar's ids; only root may, so it is on when we are root.
    public var preserveOwnership = geteuid() == 0

    public init(whiteouts: WhiteoutMode) { self.whiteouts = whiteouts }

    public struct Statistics: Sendable {
        public var entries = 0
        public var bytes: Int64 = 0
        /// Entries left out, with why (devices without privilege, for instance).
        public var skipped: [String] = []
    }

    /// Applies every entry of `reader` to the tree at `rootPath`.
    @discardableResult
    public func apply(_ reader: ArchiveReader, to rootPath: String) throws -> Statistics {
        let root = try FileDescriptor.open(rootPath, O_PATH | O_DIRECTORY)
        var state = ApplyState(root: root, rootPath: rootPath, layer: reader.name)
        var stats = Statistics()
        while let entry = try reader.next() {
            stats.entries += 1
            if stats.entries > limits.maxEntries {
                throw ReeError(.limitExceeded, "failed to unpack '\(reader.name)': more than \(limits.maxEntries) entries")
            }
            stats.bytes += entry.size
            if stats.bytes > limits.maxBytes {
                throw ReeError(.limitExceeded, "failed to unpack '\(reader.name)': more than \(limits.maxBytes) bytes")
            }
            try applyEntry(entry, reader: reader, state: &state, stats: &stats)
        }
        // Directory times and modes last, deepest first, so writing into them did not change them.
        for (path, entry) in state.directories.sorted(by: { $0.key.count > $1.key.count }) {
            try finishDirectory(path, entry, state: state)
        }
        return stats
    }

    /// `./a//b/` → ["a", "b"]; refuses `..`.
    static func components(_ raw: String, layer: String) throws -> [String] {
        var parts: [String] = []
        for part in raw.split(separator: "/") where part != "." {
            if part == ".." {
                throw ReeError(.invalidInput, "failed to unpack '\(layer)': entry '\(raw)' has a '..' component")
            }
            parts.append(String(part))
        }
        return parts
    }

    private func applyEntry(_ entry: ArchiveEntry, reader: ArchiveReader, state: inout ApplyState, stats: inout Statistics) throws {
        let parts = try Self.components(entry.path, layer: state.layer)
        guard let name = parts.last else {
            // The root itself: only its metadata may change, never its type.
            guard entry.kind == .directory else {
                throw ReeError(.invalidInput, "failed to unpack '\(state.layer)': entry '\(entry.path)' would replace the root")
            }
            state.directories["."] = entry
            return
        }
        let parentPath = parts.dropLast().joined(separator: "/")
        let path = parts.joined(separator: "/")
        let parent = try state.openDirectory(parentPath, create: true)

        if name == ".wh..wh..opq" {
            try applyOpaque(parentPath, parent: parent, state: &state)
            return
        }
        if name.hasPrefix(".wh.") {
            let hidden = String(name.dropFirst(4))
            guard !hidden.isEmpty, hidden != ".", hidden != ".." else {
                throw ReeError(.invalidInput, "failed to unpack '\(state.layer)': invalid whiteout '\(entry.path)'")
            }
            let hiddenPath = parentPath.isEmpty ? hidden : "\(parentPath)/\(hidden)"
            // A whiteout hides lower layers only, never what this layer wrote.
            guard !state.written.contains(hiddenPath) else { return }
            try removeIfPresent(hidden, in: parent, pathForErrors: hiddenPath, state: state)
            if whiteouts == .overlay {
                try checked("create whiteout", "\(state.rootPath)/\(hiddenPath)") { mknodat(parent.rawValue, hidden, FileType.characterDevice | 0o000, makeDevice(major: 0, minor: 0)) }
            }
            return
        }

        state.written.insert(path)
        let full = "\(state.rootPath)/\(path)"
        var existing = stat()
        let exists = fstatat(parent.rawValue, name, &existing, AT_SYMLINK_NOFOLLOW) == 0
        if exists {
            let isDir = (existing.st_mode & FileType.mask) == FileType.directory
            if !(isDir && entry.kind == .directory) {
                try removeIfPresent(name, in: parent, pathForErrors: path, state: state)
            }
        }

        switch entry.kind {
        case .directory:
            if !(exists && (existing.st_mode & FileType.mask) == FileType.directory) {
                try checked("create directory", full) { mkdirat(parent.rawValue, name, 0o700) }
            }
            try setXattrs(entry, name: name, parent: parent, full: full, isSymlink: false)
            state.directories[path] = entry
        case .regular:
            let fd = try FileDescriptor.open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600, relativeTo: parent)
            let written = try reader.copyData(to: fd)
            guard written == entry.size else {
                throw ReeError(.corrupt, "failed to unpack '\(state.layer)': '\(entry.path)' has \(written) bytes, its header says \(entry.size)")
            }
            if preserveOwnership { try checked("chown", full) { fchown(fd.rawValue, entry.uid, entry.gid) } }
            try checked("chmod", full) { fchmod(fd.rawValue, mode_t(entry.mode & 0o7777)) }
            for (key, value) in entry.xattrs {
                try setXattr(key, value, fd: fd.rawValue, full: full)
            }
            var times = Self.times(entry)
            try checked("set times of", full) { futimens(fd.rawValue, &times) }
        case .symlink:
            try checked("create symlink", full) { symlinkat(entry.linkTarget ?? "", parent.rawValue, name) }
            try finishNode(entry, name: name, parent: parent, full: full, chmod: false)
        case .hardlink:
            let targetParts = try Self.components(entry.linkTarget ?? "", layer: state.layer)
            guard let targetName = targetParts.last else {
                throw ReeError(.invalidInput, "failed to unpack '\(state.layer)': hardlink '\(entry.path)' has no target")
            }
            let targetParent = try state.openDirectory(targetParts.dropLast().joined(separator: "/"), create: false)
            var st = stat()
            guard fstatat(targetParent.rawValue, targetName, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw ReeError(.invalidInput, "failed to unpack '\(state.layer)': hardlink '\(entry.path)' points to missing '\(entry.linkTarget ?? "")'")
            }
            guard (st.st_mode & FileType.mask) != FileType.directory else {
                throw ReeError(.invalidInput, "failed to unpack '\(state.layer)': hardlink '\(entry.path)' points to a directory")
            }
            try checked("link", full) { linkat(targetParent.rawValue, targetName, parent.rawValue, name, 0) }
        case .characterDevice, .blockDevice:
            guard geteuid() == 0 else {
                stats.skipped.append("\(entry.path): device nodes need privilege")
                state.written.remove(path)
                return
            }
            let type = entry.kind == .characterDevice ? FileType.characterDevice : FileType.blockDevice
            try checked("create device", full) { mknodat(parent.rawValue, name, type | 0o600, makeDevice(major: entry.deviceMajor, minor: entry.deviceMinor)) }
            try finishNode(entry, name: name, parent: parent, full: full, chmod: true)
        case .fifo:
            try checked("create fifo", full) { mkfifoat(parent.rawValue, name, 0o600) }
            try finishNode(entry, name: name, parent: parent, full: full, chmod: true)
        case .socket:
            stats.skipped.append("\(entry.path): sockets are not unpacked")
            state.written.remove(path)
        }
    }

    /// Owner, mode and times of a node created by name (never following a final symlink).
    private func finishNode(_ entry: ArchiveEntry, name: String, parent: FileDescriptor, full: String, chmod: Bool) throws {
        if preserveOwnership {
            try checked("chown", full) { fchownat(parent.rawValue, name, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) }
        }
        if chmod {
            // Not a symlink, so a plain fchmodat does not follow anything.
            try checked("chmod", full) { fchmodat(parent.rawValue, name, mode_t(entry.mode & 0o7777), 0) }
        }
        var times = Self.times(entry)
        try checked("set times of", full) { utimensat(parent.rawValue, name, &times, AT_SYMLINK_NOFOLLOW) }
    }

    private func finishDirectory(_ path: String, _ entry: ArchiveEntry, state: ApplyState) throws {
        let full = path == "." ? state.rootPath : "\(state.rootPath)/\(path)"
        let fd = try state.openInRoot(path == "." ? "." : path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        if preserveOwnership { try checked("chown", full) { fchown(fd.rawValue, entry.uid, entry.gid) } }
        try checked("chmod", full) { fchmod(fd.rawValue, mode_t(entry.mode & 0o7777)) }
        var times = Self.times(entry)
        try checked("set times of", full) { futimens(fd.rawValue, &times) }
    }

    private func setXattrs(_ entry: ArchiveEntry, name: String, parent: FileDescriptor, full: String, isSymlink: Bool) throws {
        guard !entry.xattrs.isEmpty else { return }
        let fd = try FileDescriptor.open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, relativeTo: parent)
        for (key, value) in entry.xattrs { try setXattr(key, value, fd: fd.rawValue, full: full) }
    }

    private func setXattr(_ key: String, _ value: [UInt8], fd: Int32, full: String) throws {
        // Overlay's own attributes in a layer would let it forge whiteouts and redirects.
        if key.hasPrefix("trusted.overlay.") || key.hasPrefix("user.overlay.") { return }
        let status = value.withUnsafeBytes { ree_fsetxattr(fd, key, $0.baseAddress, $0.count) }
        if status != 0 {
            // Unprivileged, trusted.* and security.* cannot be set; that is not the layer's fault.
            if errno == EPERM || errno == ENOTSUP { return }
            throw ReeError.system("set xattr \(key) on", full)
        }
    }

    private func applyOpaque(_ parentPath: String, parent: FileDescriptor, state: inout ApplyState) throws {
        // Remove what lower layers put here (this layer's own entries stay).
        let dirFD = try state.openInRoot(parentPath.isEmpty ? "." : parentPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        for child in try FileSystem.listDirectory(dirFD) {
            let childPath = parentPath.isEmpty ? child : "\(parentPath)/\(child)"
            if !state.written.contains(childPath) {
                try removeIfPresent(child, in: parent.rawValue == dirFD.rawValue ? parent : dirFD, pathForErrors: childPath, state: state)
            }
        }
        if whiteouts == .overlay {
            let value: [UInt8] = Array("y".utf8)
            let status = value.withUnsafeBytes { ree_fsetxattr(dirFD.rawValue, "user.overlay.opaque", $0.baseAddress, $0.count) }
            if status != 0 { throw ReeError.system("mark opaque", "\(state.rootPath)/\(parentPath)") }
        }
    }

    private func removeIfPresent(_ name: String, in parent: FileDescriptor, pathForErrors: String, state: ApplyState) throws {
        var st = stat()
        guard fstatat(parent.rawValue, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        if (st.st_mode & FileType.mask) == FileType.directory {
            let dir = try FileDescriptor.open(name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, relativeTo: parent)
            try checked("chmod", "\(state.rootPath)/\(pathForErrors)") { fchmod(dir.rawValue, 0o700) }
            for child in try FileSystem.listDirectory(dir) {
                try removeIfPresent(child, in: dir, pathForErrors: "\(pathForErrors)/\(child)", state: state)
            }
            try checked("remove directory", "\(state.rootPath)/\(pathForErrors)") { unlinkat(parent.rawValue, name, AT_REMOVEDIR) }
        } else {
            try checked("remove", "\(state.rootPath)/\(pathForErrors)") { unlinkat(parent.rawValue, name, 0) }
        }
    }


    static func times(_ entry: ArchiveEntry) -> [timespec] {
        let t = timespec(tv_sec: Int(entry.mtime), tv_nsec: Int(entry.mtimeNanoseconds))
        return [t, t]
    }
}

/// What one `apply` remembers: the root, the directories to finish, the paths it wrote.
struct ApplyState {
    let root: FileDescriptor
    let rootPath: String
    let layer: String
    var directories: [String: ArchiveEntry] = [:]
    var written: Set<String> = []
    var openDirectories: [String: FileDescriptor] = [:]

    init(root: FileDescriptor, rootPath: String, layer: String) {
        self.root = root
        self.rootPath = rootPath
        self.layer = layer
    }

    /// Opens `path` with the kernel resolving it inside the root.
    func openInRoot(_ path: String, _ flags: Int32) throws -> FileDescriptor {
        let fd = ree_openat_in_root(root.rawValue, path.isEmpty ? "." : path, flags | O_CLOEXEC, 0)
        guard fd >= 0 else { throw ReeError.system("open", "\(rootPath)/\(path)") }
        return FileDescriptor(adopting: fd, path: "\(rootPath)/\(path)")
    }

    /// The directory at `path` inside the root, creating missing components (0755, root's).
    mutating func openDirectory(_ path: String, create: Bool) throws -> FileDescriptor {
        if path.isEmpty { return root }
        if let fd = openDirectories[path] { return fd }
        var current = root
        var walked = ""
        for component in path.split(separator: "/").map(String.init) {
            walked = walked.isEmpty ? component : "\(walked)/\(component)"
            let fd = ree_openat_in_root(root.rawValue, walked, O_PATH | O_DIRECTORY | O_CLOEXEC, 0)
            if fd >= 0 {
                current = FileDescriptor(adopting: fd, path: "\(rootPath)/\(walked)")
                continue
            }
            guard errno == ENOENT, create else { throw ReeError.system("open directory", "\(rootPath)/\(walked)") }
            // A dangling symlink here would make mkdirat create outside: refuse non-directories in the way.
            var st = stat()
            if fstatat(current.rawValue, component, &st, AT_SYMLINK_NOFOLLOW) == 0 {
                throw ReeError(.invalidInput, "failed to unpack '\(layer)': '\(walked)' is not a directory inside the root")
            }
            try checked("create directory", "\(rootPath)/\(walked)") { mkdirat(current.rawValue, component, 0o755) }
            let opened = ree_openat_in_root(root.rawValue, walked, O_PATH | O_DIRECTORY | O_CLOEXEC, 0)
            guard opened >= 0 else { throw ReeError.system("open directory", "\(rootPath)/\(walked)") }
            current = FileDescriptor(adopting: opened, path: "\(rootPath)/\(walked)")
        }
        // Keep a bounded number of parent fds open: layers are written directory by directory.
        if openDirectories.count > 64 { openDirectories.removeAll() }
        openDirectories[path] = current
        return current
    }
}
