import CZlib
import Dispatch
import ReeOS

/// Gzip across all cores, pigz's way: the input is cut into 1 MiB blocks, each deflated on its own
/// thread with the previous block's last 32 KiB as dictionary and ended with a sync flush; the
/// blocks are concatenated in order into one gzip member and their CRCs combined.
///
/// The bytes depend on the level and the block size only, never on the number of threads, so
/// layers stay reproducible across machines. The header has no name, mtime 0 and OS byte 3.
final class ParallelGzip: @unchecked Sendable {
    static let blockSize = 1 << 20
    static let dictionarySize = 32 << 10

    private let next: ByteSink
    private let name: String
    private let level: Int32
    private let queue = DispatchQueue(label: "ree.gzip", attributes: .concurrent)
    private let slots: DispatchSemaphore
    private var pending: [Block] = []
    private var current: [UInt8] = []
    private var previousTail: [UInt8] = []
    private var crc: UInt = 0
    private var total: UInt64 = 0
    private var wroteHeader = false
    private let window: Int

    final class Block: @unchecked Sendable {
        let input: [UInt8]
        let dictionary: [UInt8]
        let last: Bool
        var output: [UInt8] = []
        var crc: UInt = 0
        var error: ReeError?
        let done = DispatchSemaphore(value: 0)
        init(input: [UInt8], dictionary: [UInt8], last: Bool) {
            self.input = input
            self.dictionary = dictionary
            self.last = last
        }
    }

    init(level: Int, next: ByteSink, name: String) {
        self.level = Int32(level)
        self.next = next
        self.name = name
        window = max(2, System.processorCount * 2)
        slots = DispatchSemaphore(value: window)
        current.reserveCapacity(Self.blockSize)
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let n = min(Self.blockSize - current.count, buffer.count - offset)
            current.append(contentsOf: buffer[offset..<(offset + n)])
            offset += n
            if current.count == Self.blockSize { try submit(last: false) }
        }
    }

    func finish() throws {
        try submit(last: true)
        while !pending.isEmpty { try drainOne() }
        var trailer = [UInt8](repeating: 0, count: 8)
        for i in 0..<4 { trailer[i] = UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: crc) >> (8 * UInt32(i))) }
        for i in 0..<4 { trailer[4 + i] = UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: total) >> (8 * UInt32(i))) }
        try trailer.withUnsafeBytes { try next.write($0) }
    }

    private func submit(last: Bool) throws {
        if !wroteHeader {
            wroteHeader = true
            let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
            try header.withUnsafeBytes { try next.write($0) }
        }
        let block = Block(input: current, dictionary: previousTail, last: last)
        previousTail = Array(current.suffix(Self.dictionarySize))
        current = []
        current.reserveCapacity(Self.blockSize)
        while pending.count >= window { try drainOne() }
        slots.wait()
        pending.append(block)
        let level = self.level
        let slots = self.slots
        queue.async {
            Self.compress(block, level: level)
            block.done.signal()
            slots.signal()
        }
    }

    private func drainOne() throws {
        let block = pending.removeFirst()
        block.done.wait()
        if let error = block.error { throw ReeError(error.code, "failed to gzip '\(name)': \(error.message)") }
        crc = crc32_combine(crc, block.crc, off_t(block.input.count))
        total &+= UInt64(block.input.count)
        try block.output.withUnsafeBytes { try next.write($0) }
    }

    private static func compress(_ block: Block, level: Int32) {
        // zlib checks that the stream keeps its address: it lives on the heap, not in a Swift var.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard deflateInit2_(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            block.error = ReeError(.system, "deflateInit2 failed")
            return
        }
        defer { deflateEnd(stream) }
        if !block.dictionary.isEmpty {
            _ = block.dictionary.withUnsafeBytes { deflateSetDictionary(stream, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
        }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(block.input.count))) + 64)
        let status: Int32 = block.input.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(out.count)
                return deflate(stream, block.last ? Z_FINISH : Z_SYNC_FLUSH)
            }
        }
        guard status == (block.last ? Z_STREAM_END : Z_OK), stream.pointee.avail_in == 0 else {
            block.error = ReeError(.system, "deflate returned \(status)")
            return
        }
        output.removeLast(Int(stream.pointee.avail_out))
        block.output = output
        block.crc = block.input.withUnsafeBytes { crc32(0, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
    }
}

enum System {
    static let processorCount: Int = {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? min(Int(n), 16) : 1
    }()
}
