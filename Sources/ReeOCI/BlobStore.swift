import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The content-addressed store under an OCI layout's `blobs/`.
///
/// A blob appears under its digest only once all its bytes are written, synced and checked:
/// writers go to a temporary file beside the store and are renamed into place.
public struct BlobStore: Sendable {
    /// The OCI layout directory (holding `blobs/`).
    public let root: String
    /// Where partial blobs live; must be on the same filesystem as `root`.
    public let temporaryDirectory: String

    public init(root: String, temporaryDirectory: String) throws {
        self.root = root
        self.temporaryDirectory = temporaryDirectory
        try FileSystem.createDirectory(root + "/blobs/sha256")
        try FileSystem.createDirectory(temporaryDirectory)
    }

    public func path(_ digest: Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.encoded)" }

    public func contains(_ digest: Digest) -> Bool { FileSystem.exists(path(digest)) }

    public func size(_ digest: Digest) throws -> Int64 {
        var st = stat()
        guard stat(path(digest), &st) == 0 else {
            throw ReeError(.notFound, "blob \(digest) is not in the store")
        }
        return Int64(st.st_size)
    }

    /// Starts writing a new blob; `commit` names it by the digest of what was written.
    public func makeWriter() throws -> BlobWriter { try BlobWriter(store: self) }

    /// Copies `source` into the store. With `expected`, a mismatch is an error and nothing is stored.
    public func ingest(from source: ByteSource, expected: Digest? = nil, expectedSize: Int64? = nil, name: String) throws -> (digest: Digest, size: Int64, isNew: Bool) {
        let writer = try makeWriter()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if let expectedSize, writer.count > expectedSize {
                throw ReeError(.corrupt, "failed to store '\(name)': more than the \(expectedSize) bytes its descriptor says")
            }
        }
        let result = try writer.commit(expected: expected, expectedSize: expectedSize, name: name)
        return (result.digest, result.size, result.isNew)
    }

    /// Stores small content held in memory (JSON), returning its descriptor.
    @discardableResult
    public func put(_ bytes: [UInt8], mediaType: MediaType) throws -> Descriptor {
        let writer = try makeWriter()
        try bytes.withUnsafeBytes { try writer.write($0) }
        let r = try writer.commit(name: mediaType.rawValue)
        return Descriptor(mediaType: mediaType, digest: r.digest, size: r.size)
    }

    /// Opens a blob for reading; the reader fails at its end if size or digest do not match.
    public func open(_ digest: Digest, expectedSize: Int64? = nil) throws -> VerifiedReader {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path(digest))
        } catch let e as ReeError where e.code == .notFound {
            throw ReeError(.notFound, "blob \(digest) is not in the store")
        }
        return VerifiedReader(source: fd, digest: digest, expectedSize: expectedSize)
    }

    /// Reads and verifies a small blob (manifests, configs).
    public func read(_ digest: Digest, limit: Int = 16 << 20) throws -> [UInt8] {
        let reader = try open(digest)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw ReeError(.limitExceeded, "blob \(digest) is larger than \(limit) bytes") }
        }
    }

    public func remove(_ digest: Digest) throws {
        if unlink(path(digest)) != 0 && errno != ENOENT { throw ReeError.system("remove blob", path(digest)) }
    }

    /// Every digest in the store.
    public func all() throws -> [Digest] {
        try FileSystem.listDirectory(root + "/blobs/sha256").compactMap { try? Digest(sha256Hex: $0) }
    }
}

/// A blob being written: bytes go to a temporary file while their digest is computed.
public final class BlobWriter: ByteSink {
    private let store: BlobStore
    private let file: FileDescriptor
    private let tempPath: String
    private let hasher = SHA256()
    public private(set) var count: Int64 = 0
    private var done = false

    init(store: BlobStore) throws {
        self.store = store
        file = try FileSystem.makeTemporaryFile(in: store.temporaryDirectory, prefix: "blob-")
        tempPath = file.path
    }

    deinit { if !done { unlink(tempPath) } }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        hasher.update(buffer)
        count += Int64(buffer.count)
        try file.writeAll(buffer)
    }

    /// Makes the blob visible under its digest. Refuses (and discards) it when `expected` differs.
    public func commit(expected: Digest? = nil, expectedSize: Int64? = nil, name: String) throws -> (digest: Digest, size: Int64, isNew: Bool) {
        done = true
        defer { unlink(tempPath) }
        let digest = try Digest(sha256Hex: hasher.finalizeHex())
        if let expected, expected != digest {
            throw ReeError(.corrupt, "failed to store '\(name)': its content has digest \(digest), not \(expected)")
        }
        if let expectedSize, expectedSize != count {
            throw ReeError(.corrupt, "failed to store '\(name)': \(count) bytes, but its descriptor says \(expectedSize)")
        }
        let target = store.path(digest)
        let isNew = !FileSystem.exists(target)
        try checked("chmod", tempPath) { fchmod(file.rawValue, 0o644) }
        try file.sync()
        try file.close()
        try checked("rename", target) { rename(tempPath, target) }
        FileSystem.syncDirectory(FileSystem.parent(of: target))
        return (digest, count, isNew)
    }
}

/// Reads a blob and checks, at its end, that it had the size and digest it was named by.
public final class VerifiedReader: ByteSource {
    private let source: ByteSource
    public let digest: Digest
    private let expectedSize: Int64?
    private let hasher = SHA256()
    private var count: Int64 = 0
    private var verified = false

    public init(source: ByteSource, digest: Digest, expectedSize: Int64?) {
        self.source = source
        self.digest = digest
        self.expectedSize = expectedSize
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            count += Int64(n)
            if let expectedSize, count > expectedSize {
                throw ReeError(.corrupt, "blob \(digest) is larger than its descriptor's \(expectedSize) bytes")
            }
            return n
        }
        if !verified {
            verified = true
            if let expectedSize, count != expectedSize {
                throw ReeError(.corrupt, "blob \(digest) has \(count) bytes, its descriptor says \(expectedSize)")
            }
            let actual = hasher.finalizeHex()
            if actual != digest.encoded {
                throw ReeError(.corrupt, "blob \(digest) is corrupt: its content hashes to sha256:\(actual)")
            }
        }
        return 0
    }
}
