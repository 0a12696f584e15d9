import Foundation

/// Runs blocking code (libarchive, file copies, waiting for a child) on a thread of its own,
/// so it never holds a thread of Swift's cooperative pool.
public enum BlockingWork {
    public static func run<T: Sendable>(_ name: String = "ree-blocking", _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
