import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// A root filesystem that is one plain directory (a flattened image, a crafted test tree).
public struct DirectoryRootFileSystem: RootFileSystem {
    public let root: String

    public init(root: String) { self.root = root }

    private func host(_ path: String) -> String { path.isEmpty ? root : root + "/" + path }

    public func entries(_ path: String) throws -> [RootEntry] {
        try HostDirectory.entries(host(path)) ?? []
    }

    public func kind(_ path: String) throws -> RootEntry.Kind? {
        try HostDirectory.kind(host(path))
    }

    public func linkTarget(_ path: String) throws -> String {
        try HostDirectory.linkTarget(host(path))
    }

    public func contents(_ path: String, limit: Int) throws -> [UInt8] {
        try HostDirectory.read(host(path), limit: limit)
    }
}

/// Host-side primitives shared by the root filesystems: no symlink is followed at the last component.
enum HostDirectory {
    static func kind(_ hostPath: String) throws -> RootEntry.Kind? {
        var st = stat()
        if lstat(hostPath, &st) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ReeError.system("stat", hostPath)
        }
        return kind(mode: st.st_mode)
    }

    static func kind(mode: mode_t) -> RootEntry.Kind {
        switch mode & FileType.mask {
        case FileType.regular: return .regular
        case FileType.directory: return .directory
        case FileType.symlink: return .symlink
        default: return .other
        }
    }

    /// The entries of a host directory sorted by name, or nil when it is missing or not a directory.
    static func entries(_ hostPath: String) throws -> [RootEntry]? {
        guard let dir = opendir(hostPath) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ReeError.system("list directory", hostPath)
        }
        defer { closedir(dir) }
        var result: [RootEntry] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: RootEntry.Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = try self.kind(hostPath + "/" + name) ?? .other
            default: kind = .other
            }
            result.append(RootEntry(name: name, kind: kind))
        }
        return result.sorted { $0.name < $1.name }
    }

    static func linkTarget(_ hostPath: String) throws -> String {
        try FileSystem.readLink(hostPath)
    }

    static func read(_ hostPath: String, limit: Int) throws -> [UInt8] {
        let fd = try FileDescriptor.open(hostPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        let st = try fd.stat()
        if Int(st.st_size) > limit {
            throw ReeError(.limitExceeded, "failed to read '\(hostPath)': \(st.st_size) bytes, more than the limit of \(limit)")
        }
        return try fd.readToEnd(limit: limit)
    }
}
