import ReeOS

/// Where an archive reader gets its bytes.
public protocol ByteSource: AnyObject {
    /// Fills `buffer`; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where an archive writer puts its bytes.
public protocol ByteSink: AnyObject {
    func write(_ buffer: UnsafeRawBufferPointer) throws
}

extension FileDescriptor: ByteSource, ByteSink {
    public func write(_ buffer: UnsafeRawBufferPointer) throws { try writeAll(buffer) }
}

/// Counts and hashes everything that passes through to `next`: the digest of a blob is
/// known the moment its last byte is written, with no second pass.
public final class DigestingSink: ByteSink {
    public let next: ByteSink?
    public private(set) var count: Int64 = 0
    private let hasher = SHA256()

    public init(_ next: ByteSink?) { self.next = next }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        hasher.update(buffer)
        count += Int64(buffer.count)
        try next?.write(buffer)
    }

    /// The hex digest of all bytes written; call once, at the end.
    public func finalizeHex() -> String {
        hasher.finalizeHex()
    }
}

/// Counts and hashes everything read from `source`.
public final class DigestingSource: ByteSource {
    public let source: ByteSource
    public private(set) var count: Int64 = 0
    private let hasher = SHA256()

    public init(_ source: ByteSource) { self.source = source }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            count += Int64(n)
        }
        return n
    }

    public func finalizeHex() -> String {
        hasher.finalizeHex()
    }
}

/// A sink that keeps the bytes in memory (small archives, JSON, tests).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ buffer: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: buffer) }
}

/// A source over bytes in memory.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0, let target = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { src in
            if let source = src.baseAddress { target.copyMemory(from: source + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}
