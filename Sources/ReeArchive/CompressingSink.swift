import CZstd
import ReeOS

/// Compresses everything written to it into `next`, in gzip or zstd.
///
/// Gzip is `ParallelGzip` (all cores, independent 1 MiB members, fixed headers: no name, mtime 0,
/// OS byte 3), so the same input and level give the same bytes anywhere. Zstd uses a worker thread
/// per core: its output does not depend on the worker count as long as it is at least one.
public final class CompressingSink: ByteSink {
    private let next: ByteSink
    private let name: String
    private var engine: Engine
    private let outBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
    private var finished = false

    private enum Engine {
        case gzip(ParallelGzip)
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
            engine = .gzip(ParallelGzip(level: level, next: next, name: name))
        case .zstd(let level):
            guard let ctx = ZSTD_createCCtx() else {
                outBuffer.deallocate()
                throw ReeError(.system, "failed to start zstd for '\(name)'")
            }
            ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, Int32(level))
            ZSTD_CCtx_setParameter(ctx, ZSTD_c_nbWorkers, Int32(max(2, System.processorCount)))
            engine = .zstd(ctx)
        }
    }

    deinit {
        switch engine {
        case .gzip:
            break
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
        case .gzip(let gzip):
            if end { try gzip.finish() } else { try gzip.write(input) }
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
