import CReeShim
#if canImport(Glibc)
import Glibc
#endif

/// Extended attributes of a path, never following a final symlink.
public enum ExtendedAttributes {
    /// The value of `name`, or nil when it is not set.
    public static func get(_ path: String, _ name: String) throws -> [UInt8]? {
        var size = ree_lgetxattr(path, name, nil, 0)
        if size < 0 {
            if errno == ENODATA || errno == ENOTSUP || errno == EPERM { return nil }
            throw ReeError.system("read xattr \(name) of", path)
        }
        var value = [UInt8](repeating: 0, count: max(Int(size), 1))
        size = value.withUnsafeMutableBytes { ree_lgetxattr(path, name, $0.baseAddress, $0.count) }
        guard size >= 0 else { throw ReeError.system("read xattr \(name) of", path) }
        return Array(value.prefix(Int(size)))
    }

    /// The names set on `path`.
    public static func names(_ path: String) throws -> [String] {
        let size = ree_llistxattr(path, nil, 0)
        if size < 0 {
            if errno == ENOTSUP { return [] }
            throw ReeError.system("list xattrs of", path)
        }
        guard size > 0 else { return [] }
        var buffer = [CChar](repeating: 0, count: Int(size))
        let n = ree_llistxattr(path, &buffer, buffer.count)
        guard n >= 0 else { throw ReeError.system("list xattrs of", path) }
        return buffer.prefix(Int(n)).split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    public static func set(_ path: String, _ name: String, _ value: [UInt8]) throws {
        let status = value.withUnsafeBytes { ree_lsetxattr(path, name, $0.baseAddress, $0.count) }
        guard status == 0 else { throw ReeError.system("set xattr \(name) on", path) }
    }
}
