#if canImport(Glibc)
import Glibc
#endif

/// The one error type of ree: what kind of failure, a message that reads
/// "failed to <verb> <object> '<path>': <reason>", and the errno where a syscall failed.
public struct ReeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The caller gave something malformed (HTTP 400).
        case invalidInput
        /// A named thing does not exist (HTTP 404).
        case notFound
        /// The thing exists already, or is in use (HTTP 409).
        case conflict
        /// Stored or received data does not match what it claims (digest, size, format).
        case corrupt
        /// Valid, but not something ree supports.
        case unsupported
        /// A system call or I/O failed.
        case system
        /// A limit was hit: time, size, count.
        case limitExceeded
        /// A child process failed.
        case processFailed
    }

    public var code: Code
    public var message: String
    public var errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// A failed syscall: "failed to <verb> '<path>': <strerror> (errno N)".
    public static func system(_ verb: String, _ path: String? = nil, errno err: Int32 = Glibc.errno) -> ReeError {
        let object = path.map { " '\($0)'" } ?? ""
        let reason = String(cString: strerror(err))
        let code: Code = (err == ENOENT) ? .notFound : .system
        return ReeError(code, "failed to \(verb)\(object): \(reason) (errno \(err))", errno: err)
    }

    public var description: String { message }
}

/// Calls `body` until it does not fail with EINTR; throws a `ReeError.system` naming `verb` and `path` on -1.
@discardableResult
@inlinable
public func checked<T: BinaryInteger>(_ verb: String, _ path: String? = nil, _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let err = Glibc.errno
        if err == EINTR { continue }
        throw ReeError.system(verb, path, errno: err)
    }
}
