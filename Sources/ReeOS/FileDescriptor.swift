#if canImport(Glibc)
import Glibc
#endif
import CReeShim

/// An owned file descriptor, closed when the last reference goes.
public final class FileDescriptor: @unchecked Sendable {
    public private(set) var rawValue: Int32
    /// The path it was opened from, for error messages.
    public let path: String

    public init(adopting rawValue: Int32, path: String) {
        self.rawValue = rawValue
        self.path = path
    }

    deinit { if rawValue >= 0 { Glibc.close(rawValue) } }

    /// Opens `path` (relative to `directory` when given) with `flags` and O_CLOEXEC.
    public static func open(_ path: String, _ flags: Int32 = O_RDONLY, mode: mode_t = 0o644, relativeTo directory: FileDescriptor? = nil) throws -> FileDescriptor {
        let dirfd = directory?.rawValue ?? AT_FDCWD
        let fd = try checked("open", path) { Glibc.openat(dirfd, path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(adopting: fd, path: path)
    }

    /// Gives up ownership and returns the raw descriptor.
    public func release() -> Int32 {
        let fd = rawValue
        rawValue = -1
        return fd
    }

    public func close() throws {
        guard rawValue >= 0 else { return }
        let fd = release()
        if Glibc.close(fd) != 0 && errno != EINTR { throw ReeError.system("close", path) }
    }

    /// Reads up to `count` bytes; 0 means end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try checked("read", path) { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `buffer`.
    public func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let n = try checked("write", path) { Glibc.write(rawValue, base + offset, buffer.count - offset) }
            offset += n
        }
    }

    public func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0) }
    }

    public func sync() throws {
        try checked("fsync", path) { fsync(rawValue) }
    }

    public func stat() throws -> Glibc.stat {
        var st = Glibc.stat()
        try checked("stat", path) { fstat(rawValue, &st) }
        return st
    }

    public func seek(to offset: Int64) throws {
        try checked("seek", path) { lseek(rawValue, off_t(offset), SEEK_SET) }
    }

    /// Reads the whole remaining content.
    public func readToEnd(limit: Int = Int.max) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit {
                throw ReeError(.limitExceeded, "failed to read '\(path)': larger than \(limit) bytes")
            }
        }
    }
}
