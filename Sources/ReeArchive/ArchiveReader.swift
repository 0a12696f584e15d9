import CArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Streaming reader for tar (any compression libarchive detects) and zip.
///
/// Entries come one at a time from `next()`; the data of the current entry is read with
/// `read(into:)` before the next call. `name` appears in every error message.
public final class ArchiveReader {
    private let archive: OpaquePointer
    private let context: ReaderContext?
    public let name: String

    /// Reads from a file path; zip archives use the central directory (needs seeking).
    public init(path: String, formats: Set<Format> = [.tar]) throws {
        guard let a = archive_read_new() else { throw ReeError(.system, "failed to allocate an archive reader") }
        archive = a
        context = nil
        name = path
        Self.configure(a, formats)
        if archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK {
            let message = Self.errorString(a)
            throw ReeError(Glibc.access(path, F_OK) == 0 ? .corrupt : .notFound, "failed to open archive '\(path)': \(message)")
        }
    }

    /// Reads from any byte source (a pipe, a digest-checking stream, memory).
    public init(source: ByteSource, name: String, formats: Set<Format> = [.tar]) throws {
        guard let a = archive_read_new() else { throw ReeError(.system, "failed to allocate an archive reader") }
        archive = a
        self.name = name
        let ctx = ReaderContext(source: source)
        context = ctx
        Self.configure(a, formats)
        let opaque = Unmanaged.passUnretained(ctx).toOpaque()
        let status = archive_read_open2(a, opaque, nil, readerCallback, nil, nil)
        if status != ARCHIVE_OK {
            let message = ctx.error.map { "\($0)" } ?? Self.errorString(a)
            throw ReeError(.corrupt, "failed to open archive '\(name)': \(message)")
        }
    }

    public enum Format: Sendable, Hashable { case tar, zip, ar, raw }

    // Runs also when an init throws after `archive` is set: the one place that frees it.
    deinit { archive_read_free(archive) }

    private static func configure(_ a: OpaquePointer, _ formats: Set<Format>) {
        archive_read_support_filter_all(a)
        if formats.contains(.tar) { archive_read_support_format_tar(a) }
        if formats.contains(.zip) { archive_read_support_format_zip(a) }
        if formats.contains(.ar) { archive_read_support_format_ar(a) }
        if formats.contains(.raw) { archive_read_support_format_raw(a) }
    }

    static func errorString(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    private func failure(_ verb: String) -> ReeError {
        if let e = context?.error as? ReeError { return e }
        return ReeError(.corrupt, "failed to \(verb) '\(name)': \(Self.errorString(archive))")
    }

    /// The next entry's header, or nil at the end of the archive.
    public func next() throws -> ArchiveEntry? {
        try withUTF8Locale { try nextInLocale() }
    }

    private func nextInLocale() throws -> ArchiveEntry? {
        var entryPointer: OpaquePointer?
        let status = archive_read_next_header(archive, &entryPointer)
        switch status {
        case ARCHIVE_EOF: return nil
        case ARCHIVE_OK, ARCHIVE_WARN:
            guard let e = entryPointer else { throw failure("read entry of") }
            return try Self.entry(from: e, archive: name)
        default:
            throw failure("read entry of")
        }
    }

    /// Reads data of the current entry; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 { throw failure("read data of") }
        return n
    }

    /// Reads all data of the current entry, refusing more than `limit` bytes.
    public func readData(limit: Int = 64 << 20) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw ReeError(.limitExceeded, "failed to read an entry of '\(name)': larger than \(limit) bytes") }
        }
    }

    /// Copies the current entry's data to `sink`, returning the byte count.
    @discardableResult
    public func copyData(to sink: ByteSink) throws -> Int64 {
        var total: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return total }
            try chunk.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += Int64(n)
        }
    }

    /// Skips the rest of the current entry's data.
    public func skipData() throws {
        if archive_read_data_skip(archive) != ARCHIVE_OK { throw failure("skip data in") }
    }

    static func entry(from e: OpaquePointer, archive: String) throws -> ArchiveEntry {
        let path = archive_entry_pathname_utf8(e).map { String(cString: $0) }
            ?? archive_entry_pathname(e).map { String(cString: $0) } ?? ""
        let fileType = archive_entry_filetype(e)
        var kind = ArchiveEntry.Kind(fileType: mode_t(fileType)) ?? .regular
        var linkTarget: String?
        if let h = archive_entry_hardlink_utf8(e) ?? archive_entry_hardlink(e) {
            kind = .hardlink
            linkTarget = String(cString: h)
        } else if kind == .symlink {
            linkTarget = (archive_entry_symlink_utf8(e) ?? archive_entry_symlink(e)).map { String(cString: $0) } ?? ""
        }
        if fileType == 0 && linkTarget == nil {
            throw ReeError(.unsupported, "failed to read entry '\(path)' of '\(archive)': unknown file type")
        }
        var result = ArchiveEntry(path: path, kind: kind,
                                  mode: UInt32(archive_entry_perm(e)) & 0o7777,
                                  uid: UInt32(truncatingIfNeeded: archive_entry_uid(e)),
                                  gid: UInt32(truncatingIfNeeded: archive_entry_gid(e)),
                                  size: archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0,
                                  mtime: Int64(archive_entry_mtime(e)),
                                  linkTarget: linkTarget,
                                  deviceMajor: UInt32(archive_entry_rdevmajor(e)),
                                  deviceMinor: UInt32(archive_entry_rdevminor(e)))
        result.mtimeNanoseconds = Int32(truncatingIfNeeded: archive_entry_mtime_nsec(e))
        result.userName = archive_entry_uname(e).map { String(cString: $0) }
        result.groupName = archive_entry_gname(e).map { String(cString: $0) }
        if archive_entry_xattr_reset(e) > 0 {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK {
                guard let name else { continue }
                let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                result.xattrs[String(cString: name)] = bytes
            }
        }
        return result
    }
}

final class ReaderContext {
    let source: ByteSource
    /// libarchive keeps the pointer we hand out until the next callback: memory we own, not an array's.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    var error: Error?
    init(source: ByteSource) { self.source = source }
    deinit { buffer.deallocate() }
}

private func readerCallback(_ a: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> la_ssize_t {
    guard let client, let out else { return -1 }
    let ctx = Unmanaged<ReaderContext>.fromOpaque(client).takeUnretainedValue()
    do {
        let n = try ctx.source.read(into: ctx.buffer)
        out.pointee = UnsafeRawPointer(ctx.buffer.baseAddress)
        return la_ssize_t(n)
    } catch {
        ctx.error = error
        return -1
    }
}

/// The data of a reader's current entry as a byte source (an archive inside an archive, as a
/// `.deb`'s `data.tar.xz`).
public final class ArchiveEntrySource: ByteSource {
    private let reader: ArchiveReader
    public init(_ reader: ArchiveReader) { self.reader = reader }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try reader.read(into: buffer) }
}
