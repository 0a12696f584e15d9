import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Log lines for a file descriptor (stderr), written by a thread of its own. A caller appends its line
/// to a buffer and returns; the thread, woken by the first line after a quiet spell, waits `gathering`
/// for more and writes everything in one `write`. Under load, one system call carries hundreds of
/// request lines instead of one each, and no request waits for the terminal or pipe behind stderr.
public final class LogOutput: Sendable {
    /// Standard error, as `StreamLogHandler` writes it, but batched.
    public static let standardError = LogOutput(descriptor: STDERR_FILENO)

    /// Beyond this many pending bytes (a reader that stopped reading), lines are dropped and counted.
    static let maxPendingBytes = 8 << 20

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        var writerStarted = false
    }

    private let descriptor: Int32
    private let gathering: Duration
    private let pending = Mutex(Pending())
    /// Signalled when the buffer goes from empty to not empty.
    private let wake = NSCondition()
    /// Held while bytes are written, so `flush()` returns only after they are out.
    private let writing = NSLock()

    public init(descriptor: Int32, gathering: Duration = .milliseconds(2)) {
        self.descriptor = descriptor
        self.gathering = gathering
    }

    /// Queues `line` (which ends with a newline) for writing.
    public func write(_ line: String) {
        var line = line
        let (wasEmpty, startWriter) = line.withUTF8 { utf8 in
            pending.withLock { pending -> (Bool, Bool) in
                guard pending.bytes.count + utf8.count <= Self.maxPendingBytes else {
                    pending.dropped += 1
                    return (false, false)
                }
                let wasEmpty = pending.bytes.isEmpty
                pending.bytes.append(contentsOf: utf8)
                let start = !pending.writerStarted
                pending.writerStarted = true
                return (wasEmpty, start)
            }
        }
        if startWriter { startWriterThread() }
        if wasEmpty {
            wake.lock()
            wake.signal()
            wake.unlock()
        }
    }

    /// Writes everything queued so far before returning (at shutdown).
    public func flush() {
        writing.lock()
        defer { writing.unlock() }
        writeOut(take())
    }

    private func take() -> [UInt8] {
        pending.withLock { pending in
            var bytes: [UInt8] = []
            swap(&bytes, &pending.bytes)
            if pending.dropped > 0 {
                bytes.append(contentsOf: "ree: \(pending.dropped) log lines dropped: stderr was not read\n".utf8)
                pending.dropped = 0
            }
            return bytes
        }
    }

    private func writeOut(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return } // nowhere to log that logging failed
                offset += n
            }
        }
    }

    private func startWriterThread() {
        let thread = Thread { [self] in
            while true {
                wake.lock()
                while pending.withLock({ $0.bytes.isEmpty && $0.dropped == 0 }) { wake.wait() }
                wake.unlock()
                // Let the lines of the requests in flight gather: one write for all of them.
                var pause = timespec(tv_sec: Int(gathering.components.seconds), tv_nsec: Int(gathering.components.attoseconds / 1_000_000_000))
                nanosleep(&pause, nil)
                flush()
            }
        }
        thread.name = "ree-log"
        thread.stackSize = 1 << 20
        thread.start()
    }
}
