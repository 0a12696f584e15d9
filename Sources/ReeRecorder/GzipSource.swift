import CZlib
import ReeOS

/// Inflates a file of one or more gzip members (a `.warc.gz`) as one stream.
final class GzipFileSource: ProxyStream {
    private let fd: FileDescriptor
    private let stream: UnsafeMutablePointer<z_stream>
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var inputEnd = false
    private var finished = false

    init(path: String) throws {
        fd = try FileDescriptor.open(path)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, 31, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw ReeError(.system, "failed to start gunzip for '\(path)': zlib error \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while !finished {
            if stream.pointee.avail_in == 0 && !inputEnd {
                let n = try fd.read(into: input)
                if n == 0 { inputEnd = true } else {
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(n)
                }
            }
            if stream.pointee.avail_in == 0 && inputEnd {
                finished = true
                break
            }
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.pointee.avail_out)
            if status == Z_STREAM_END {
                inflateReset(stream)  // the next member follows
            } else if status != Z_OK && status != Z_BUF_ERROR {
                throw ReeError(.invalidInput, "failed to gunzip '\(fd.path)': zlib error \(status)")
            } else if status == Z_BUF_ERROR && inputEnd && produced == 0 {
                throw ReeError(.invalidInput, "failed to gunzip '\(fd.path)': truncated")
            }
            if produced > 0 { return produced }
        }
        return 0
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws { throw ReeError(.invalidInput, "read-only stream") }
}
