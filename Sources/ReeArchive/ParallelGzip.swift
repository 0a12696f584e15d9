import CDeflate
import Dispatch
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Gzip across all cores: the input is cut into 1 MiB blocks, each compressed on its own by
/// libdeflate (about 2.5 times zlib's speed at a slightly better ratio) into one gzip member, and
/// the members are written in order. A gzip file is a series of members (RFC 1952, 2.2): gzip,
/// zlib, Go's `compress/gzip`, Python, pigz and libarchive all read it as one stream, and eStargz
/// layers rely on the same.
///
/// Blocks share no dictionary, so the bytes depend on the level and the block size only, never on
/// the number of threads or on how the input was split into writes: layers stay reproducible
/// across machines. Every member header has no name, mtime 0, no extra flags and OS byte 3.
final class ParallelGzip: @unchecked Sendable {
    static let blockSize = 1 << 20
    static let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]

    private let next: ByteSink
    private let name: String
    private let level: Int32
    /// Blocks in flight at most: enough to keep every core busy while the oldest is written out.
    /// One means one block at a time, on one thread.
    private let window: Int
    private let queue = DispatchQueue(label: "ree.gzip", attributes: .concurrent)
    private var current: Block?
    private var pending: [Block] = []
    private var idle: [Block] = []
    private var members = 0

    init(level: Int, next: ByteSink, name: String, blocksInFlight: Int = max(2, System.processorCount * 2)) {
        self.level = Int32(level)
        self.next = next
        self.name = name
        window = max(1, blocksInFlight)
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard let source = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let block = try current ?? takeBlock()
            current = block
            let n = min(Self.blockSize - block.count, buffer.count - offset)
            block.append(source + offset, n)
            offset += n
            if block.count == Self.blockSize {
                current = nil
                submit(block)
            }
        }
    }

    /// Compresses what is left and writes every member; an empty input gives one empty member.
    func finish() throws {
        if let block = current {
            current = nil
            submit(block)
        } else if members == 0 && pending.isEmpty {
            submit(try takeBlock())
        }
        while !pending.isEmpty { try drainOne() }
    }

    private func takeBlock() throws -> Block {
        while idle.isEmpty && pending.count >= window { try drainOne() }
        if let block = idle.popLast() { return block }
        return try Block(level: level, name: name)
    }

    private func submit(_ block: Block) {
        pending.append(block)
        queue.async {
            block.compress()
            block.done.signal()
        }
    }

    private func drainOne() throws {
        let block = pending.removeFirst()
        block.done.wait()
        if let error = block.error { throw error }
        try next.write(UnsafeRawBufferPointer(start: block.output, count: block.outputCount))
        members += 1
        block.reset()
        idle.append(block)
    }

    /// One block's buffers and compressor, reused for the next block once written out.
    final class Block: @unchecked Sendable {
        let input: UnsafeMutableRawPointer
        let output: UnsafeMutableRawPointer
        let outputCapacity: Int
        private let compressor: OpaquePointer
        private let name: String
        private(set) var count = 0
        private(set) var outputCount = 0
        private(set) var error: ReeError?
        let done = DispatchSemaphore(value: 0)

        init(level: Int32, name: String) throws {
            guard let c = libdeflate_alloc_compressor(level) else {
                throw ReeError(.system, "failed to start gzip level \(level) for '\(name)'")
            }
            compressor = c
            self.name = name
            outputCapacity = ParallelGzip.header.count + libdeflate_deflate_compress_bound(c, ParallelGzip.blockSize) + 8
            input = UnsafeMutableRawPointer.allocate(byteCount: ParallelGzip.blockSize, alignment: 64)
            output = UnsafeMutableRawPointer.allocate(byteCount: outputCapacity, alignment: 64)
        }

        deinit {
            libdeflate_free_compressor(compressor)
            input.deallocate()
            output.deallocate()
        }

        func append(_ bytes: UnsafeRawPointer, _ n: Int) {
            (input + count).copyMemory(from: bytes, byteCount: n)
            count += n
        }

        func reset() {
            count = 0
            outputCount = 0
        }

        /// Header, raw deflate, CRC-32 and size (little-endian): one complete member.
        func compress() {
            let headerSize = ParallelGzip.header.count
            for (i, byte) in ParallelGzip.header.enumerated() { output.storeBytes(of: byte, toByteOffset: i, as: UInt8.self) }
            let n = libdeflate_deflate_compress(compressor, input, count, output + headerSize, outputCapacity - headerSize - 8)
            guard n > 0 else {
                error = ReeError(.system, "failed to gzip '\(name)': libdeflate found no room for \(count) bytes")
                return
            }
            let crc = libdeflate_crc32(0, input, count)
            let trailer = output + headerSize + n
            for i in 0..<4 {
                trailer.storeBytes(of: UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))), toByteOffset: i, as: UInt8.self)
                trailer.storeBytes(of: UInt8(truncatingIfNeeded: UInt32(count) >> (8 * UInt32(i))), toByteOffset: 4 + i, as: UInt8.self)
            }
            outputCount = headerSize + n + 8
        }
    }
}

enum System {
    static let processorCount: Int = {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? min(Int(n), 16) : 1
    }()
}
