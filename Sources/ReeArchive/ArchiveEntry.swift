import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// One member of a tar or zip archive, independent of libarchive.
public struct ArchiveEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular, directory, symlink, hardlink, characterDevice, blockDevice, fifo, socket
    }

    /// Path inside the archive, as stored (no leading "./" normalisation is done here).
    public var path: String
    public var kind: Kind
    /// Permission bits including setuid, setgid and sticky (mask 0o7777).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var userName: String?
    public var groupName: String?
    /// Content size; 0 for everything but regular files.
    public var size: Int64
    /// Modification time, whole seconds since the epoch.
    public var mtime: Int64
    public var mtimeNanoseconds: Int32
    /// Target of a symlink, or the earlier archive path a hardlink points to.
    public var linkTarget: String?
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    /// Extended attributes by name (`security.capability`, `user.*`...).
    public var xattrs: [String: [UInt8]]

    public init(path: String, kind: Kind, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
                size: Int64 = 0, mtime: Int64 = 0, linkTarget: String? = nil,
                deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, xattrs: [String: [UInt8]] = [:]) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtime = mtime
        self.mtimeNanoseconds = 0
        self.linkTarget = linkTarget
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.xattrs = xattrs
    }
}

extension ArchiveEntry.Kind {
    /// The kind for the `S_IFMT` bits of a mode; nil for an unknown type.
    public init?(fileType mode: mode_t) {
        switch mode & FileType.mask {
        case FileType.regular: self = .regular
        case FileType.directory: self = .directory
        case FileType.symlink: self = .symlink
        case FileType.characterDevice: self = .characterDevice
        case FileType.blockDevice: self = .blockDevice
        case FileType.fifo: self = .fifo
        case FileType.socket: self = .socket
        default: return nil
        }
    }
}
