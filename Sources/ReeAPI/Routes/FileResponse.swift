import Hummingbird
import NIOCore
import ReeOS

/// Response bodies read from files as they are sent, never whole in memory.
enum FileResponse {
    static let chunkSize = 256 << 10

    /// The file at `path`, opened now (so a missing file is an error before any header is sent).
    static func body(path: String) throws -> ResponseBody {
        let file = try FileDescriptor.open(path)
        let size = Int(try file.stat().st_size)
        return ResponseBody(contentLength: size) { writer in
            var remaining = size
            var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
            while remaining > 0 {
                buffer.clear()
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { raw in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(chunkSize, remaining)]))
                }
                if n == 0 { break }
                remaining -= n
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
    }

    /// A body fed chunk by chunk from an async stream (a followed log, an image export).
    static func body(stream: AsyncThrowingStream<[UInt8], any Error>) -> ResponseBody {
        ResponseBody { writer in
            for try await chunk in stream {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
    }
}
