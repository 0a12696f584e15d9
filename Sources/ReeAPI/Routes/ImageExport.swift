import Foundation
import Hummingbird
import NIOCore
import ReeArchive
import ReeOCI
import ReeOS

/// Streams `ImageStore.exportArchive` (synchronous, blocking) to an HTTP response: the export runs
/// on its own thread and hands over chunks of 256 KiB, at most a few in flight, so a slow client
/// slows the export instead of filling memory, and a client that goes away stops it.
final class ExportPipe: ByteSink, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let slots = DispatchSemaphore(value: 4)
    private let lock = NSLock()
    private var cancelled = false
    private var pending: [UInt8] = []
    static let chunkSize = 256 << 10

    init(continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.continuation = continuation
        pending.reserveCapacity(Self.chunkSize)
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: buffer)
        if pending.count >= Self.chunkSize { try flush() }
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        slots.wait()
        if lock.withLock({ cancelled }) { throw ReeError(.system, "image export stopped: the client went away") }
        continuation.yield(ByteBuffer(bytes: pending))
        pending.removeAll(keepingCapacity: true)
    }

    /// The consumer took a chunk.
    func consumed() { slots.signal() }

    func cancel() {
        lock.withLock { cancelled = true }
        slots.signal()
    }

    static func response(store: ImageStore, name: String) throws -> ResponseBody {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let pipe = ExportPipe(continuation: continuation)
        continuation.onTermination = { _ in pipe.cancel() }
        let thread = Thread {
            do {
                try store.exportArchive(name, to: pipe, archiveName: name)
                try pipe.flush()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.name = "ree-export"
        thread.start()
        return ResponseBody { writer in
            for try await chunk in stream {
                try await writer.write(chunk)
                pipe.consumed()
            }
            try await writer.finish(nil)
        }
    }
}
