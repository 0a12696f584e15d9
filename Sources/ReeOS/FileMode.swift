import CReeShim
#if canImport(Glibc)
import Glibc
#endif

/// The `S_IF*` file-type bits, which do not import unambiguously from Glibc next to Foundation.
public enum FileType {
    public static let mask: mode_t = ree_s_ifmt
    public static let regular: mode_t = ree_s_ifreg
    public static let directory: mode_t = ree_s_ifdir
    public static let symlink: mode_t = ree_s_iflnk
    public static let characterDevice: mode_t = ree_s_ifchr
    public static let blockDevice: mode_t = ree_s_ifblk
    public static let fifo: mode_t = ree_s_ififo
    public static let socket: mode_t = ree_s_ifsock
}

public func makeDevice(major: UInt32, minor: UInt32) -> dev_t { ree_makedev(major, minor) }
public func deviceMajor(_ d: dev_t) -> UInt32 { ree_major(d) }
public func deviceMinor(_ d: dev_t) -> UInt32 { ree_minor(d) }

/// `O_PATH`: a descriptor that names a place without opening it for I/O.
public let O_PATH: Int32 = ree_o_path
