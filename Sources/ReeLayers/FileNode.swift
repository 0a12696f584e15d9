import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// One file as a layer records it, read from a host path (lstat + xattrs), with ids mapped
/// back into the sandbox's view.
struct FileNode {
    let hostPath: String
    let stat: Glibc.stat
    let xattrs: [String: [UInt8]]

    init?(_ hostPath: String) throws {
        var st = Glibc.stat()
        if lstat(hostPath, &st) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ReeError.system("stat", hostPath)
        }
        self.hostPath = hostPath
        self.stat = st
        var attrs: [String: [UInt8]] = [:]
        for name in try ExtendedAttributes.names(hostPath) where Self.keeps(name) {
            if let v = try ExtendedAttributes.get(hostPath, name), !v.isEmpty { attrs[name] = v }
        }
        xattrs = attrs
    }

    /// overlayfs' own attributes and SELinux labels are not part of an image.
    static func keeps(_ name: String) -> Bool {
        !(name.hasPrefix("trusted.overlay.") || name.hasPrefix("user.overlay.") || name == "security.selinux")
    }

    var type: mode_t { stat.st_mode & FileType.mask }
    var isDirectory: Bool { type == FileType.directory }
    var isRegular: Bool { type == FileType.regular }

    /// A 0/0 character device: an overlay whiteout (or a zero-size file marked by xattr, Linux 6.7+).
    var isWhiteout: Bool {
        if type == FileType.characterDevice && stat.st_rdev == 0 { return true }
        if isRegular && stat.st_size == 0,
           (try? ExtendedAttributes.get(hostPath, "user.overlay.whiteout")) ?? nil != nil
            || ((try? ExtendedAttributes.get(hostPath, "trusted.overlay.whiteout")) ?? nil) != nil { return true }
        return false
    }

    var isOpaque: Bool {
        guard isDirectory else { return false }
        for name in ["user.overlay.opaque", "trusted.overlay.opaque"] {
            if let v = (try? ExtendedAttributes.get(hostPath, name)) ?? nil, v == Array("y".utf8) { return true }
        }
        return false
    }

    var hasRedirect: Bool {
        ((try? ExtendedAttributes.get(hostPath, "user.overlay.redirect")) ?? nil) != nil
            || ((try? ExtendedAttributes.get(hostPath, "trusted.overlay.redirect")) ?? nil) != nil
    }

    func linkTarget() throws -> String {
        try FileSystem.readLink(hostPath)
    }

    /// The tar entry for this node at `path`, with ids mapped and the mtime clamped.
    func entry(path: String, ids: OwnerMapping, epoch: Int64?) throws -> ArchiveEntry? {
        // Sockets are not part of a layer.
        guard let kind = ArchiveEntry.Kind(fileType: type), kind != .socket else { return nil }
        var e = ArchiveEntry(path: path, kind: kind, mode: UInt32(stat.st_mode & 0o7777),
                             uid: ids.toContainer(uid: stat.st_uid), gid: ids.toContainer(gid: stat.st_gid),
                             size: kind == .regular ? Int64(stat.st_size) : 0,
                             mtime: epoch.map { min(Int64(stat.st_mtim.tv_sec), $0) } ?? Int64(stat.st_mtim.tv_sec),
                             xattrs: xattrs)
        if kind == .symlink { e.linkTarget = try linkTarget() }
        if kind == .characterDevice || kind == .blockDevice {
            e.deviceMajor = deviceMajor(stat.st_rdev)
            e.deviceMinor = deviceMinor(stat.st_rdev)
        }
        return e
    }
}

/// How host ids of files written in a sandbox map back to the ids the image records:
/// the sandbox's id maps read backwards (host id → id inside). Ids no range maps stay as they are.
public struct OwnerMapping: Sendable {
    /// `count` ids from `outside` on the host are `inside`... in the sandbox.
    public struct Range: Sendable, Equatable {
        public var inside: UInt32
        public var outside: UInt32
        public var count: UInt32
        public init(inside: UInt32, outside: UInt32, count: UInt32) {
            self.inside = inside
            self.outside = outside
            self.count = count
        }
    }

    public var uids: [Range]
    public var gids: [Range]

    public init(uids: [Range], gids: [Range]) {
        self.uids = uids
        self.gids = gids
    }

    /// Single-id mode: this host uid/gid is root inside.
    public init(hostRoot: (uid: UInt32, gid: UInt32)) {
        self.init(uids: [Range(inside: 0, outside: hostRoot.uid, count: 1)], gids: [Range(inside: 0, outside: hostRoot.gid, count: 1)])
    }

    /// Ids one to one (full mode as root).
    public static let identity = OwnerMapping(uids: [], gids: [])

    func toContainer(uid: UInt32) -> UInt32 { Self.map(uid, uids) }
    func toContainer(gid: UInt32) -> UInt32 { Self.map(gid, gids) }

    private static func map(_ id: UInt32, _ ranges: [Range]) -> UInt32 {
        for r in ranges where id >= r.outside && id - r.outside < r.count { return r.inside + (id - r.outside) }
        return id
    }
}
