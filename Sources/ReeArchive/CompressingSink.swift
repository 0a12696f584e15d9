import CZlib
import CZstd
import ReeOS

/// Compresses everything written to it into `next`, in gzip or zstd.
///
/// Gzip comes from zlib with a fixed header (no name, mtime 0, OS byte 3), so the same input
/// and level give the same bytes anywhere. Zstd uses two worker threads: its output does not
/// depend on the worker count as long as it is at least one.
public final class CompressingSink: ByteSink {
    private let next: ByteSink
    private let name: String
    private var engine: Engine
    private let outBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
    private var finished = false

    private enum Engine {
        case gzip(UnsafeMutablePointer<z_stream>)
        case zstd(OpaquePointer)
    }

    public init(_ compression: ArchiveCompression, next: ByteSink, name: String) throws {
        self.next = next
        self.name = name
        switch compression {
        case .none:
            outBuffer.deallocate()
            throw ReeError(.invalidInput, "CompressingSink needs gzip or zstd")
        case .gzip(let level):
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // windowBits 15 + 16: a gzip wrapper, whose header zlib fills with zeros and OS 3.
            let status = deflateInit2_(stream, Int32(level), Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                outBuffer.deallocate()
                throw ReeError(.system, "failed to start gzip for '\(name)': zlib error \(status)")
            }
            engine = .gzip(stream)
        case .zstd(let level):
            guard let ctx = ZSTD_createCCtx() else {
                outBuffer.deallocate()
                throw ReeError(.system, "failed to start zstd for '\(name)'")
            }
            ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, Int32(level))
            ZSTD_CCtx_setParameter(ctx, ZSTD_c_nbWorkers, 2)
            engine = .zstd(ctx)
        }
    }

    deinit {
        switch engine {
        case .gzip(let s):
            deflateEnd(s)
            s.deallocate()
        case .zstd(let c):
            ZSTD_freeCCtx(c)
        }
        outBuffer.deallocate()
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        try run(buffer, end: false)
    }

    /// Flushes the compressor's tail; call once at the end.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), end: true)
    }

    private func run(_ input: UnsafeRawBufferPointer, end: Bool) throws {
        switch engine {
        case .gzip(let s):
            s.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            s.pointee.avail_in = uInt(input.count)
            while true {
                s.pointee.next_out = outBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                s.pointee.avail_out = uInt(outBuffer.count)
                let status = deflate(s, end ? Z_FINISH : Z_NO_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ReeError(.system, "failed to gzip '\(name)': zlib error \(status)")
                }
                let produced = outBuffer.count - Int(s.pointee.avail_out)
                if produced > 0 { try next.write(UnsafeRawBufferPointer(rebasing: outBuffer[0..<produced])) }
                if end ? status == Z_STREAM_END : (s.pointee.avail_in == 0 && s.pointee.avail_out != 0) { return }
            }
        case .zstd(let c):
            var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while true {
                var outBuf = ZSTD_outBuffer(dst: outBuffer.baseAddress, size: outBuffer.count, pos: 0)
                let remaining = ZSTD_compressStream2(c, &outBuf, &inBuf, end ? ZSTD_e_end : ZSTD_e_continue)
                if ZSTD_isError(remaining) != 0 {
                    throw ReeError(.system, "failed to zstd '\(name)': \(String(cString: ZSTD_getErrorName(remaining)))")
                }
                if outBuf.pos > 0 { try next.write(UnsafeRawBufferPointer(rebasing: outBuffer[0..<outBuf.pos])) }
                if end ? remaining == 0 : inBuf.pos == inBuf.size { return }
            }
        }
    }
}
