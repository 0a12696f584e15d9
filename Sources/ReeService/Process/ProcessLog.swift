import Foundation
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// A process's log file, appended to as the work goes and readable at the same time.
/// Every line goes to the file in one `write` (O_APPEND), so readers never see half a line.
public final class ProcessLog: @unchecked Sendable {
    public let path: String
    private let file: FileDescriptor
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        file = try FileDescriptor.open(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o640)
    }

    /// Appends `line` and a newline.
    public func append(_ line: String) {
        write(line.hasSuffix("\n") ? line : line + "\n")
    }

    /// Appends raw text (a tool's output as it comes).
    public func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        // A log that cannot be written must not fail the build; the status still tells.
        try? file.writeAll(Array(text.utf8))
    }
}
