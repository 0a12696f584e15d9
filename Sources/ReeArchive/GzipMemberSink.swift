import CZlib
import ReeOS

/// Compresses everything written to it into exactly one gzip member (zlib, streaming).
///
/// For formats that give a member a meaning, like WARC's one member per record, where
/// `ParallelGzip`'s member per 1 MiB block would split a record. The header is zlib's fixed one
/// (no name, mtime 0, OS byte 3), so the same input and level give the same bytes.
public final class GzipMemberSink: ByteSink {
    private let next: ByteSink
    private let name: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var finished = false

    public init(level: Int, next: ByteSink, name: String) throws {
        self.next = next
        self.name = name
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: a gzip wrapper instead of zlib's.
        let status = deflateInit2_(stream, Int32(level), Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            output.deallocate()
            throw ReeError(.system, "failed to start gzip for '\(name)': zlib error \(status)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(buffer.count)
        try run(flush: Z_NO_FLUSH)
    }

    /// Ends the member; call once at the end.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(flush: Z_FINISH)
    }

    private func run(flush: Int32) throws {
        while true {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = deflate(stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw ReeError(.system, "failed to gzip '\(name)': zlib error \(status)")
            }
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try next.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if flush == Z_FINISH ? status == Z_STREAM_END : (stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0) { return }
        }
    }
}
