import CArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Streaming writer for pax tar (optionally gzip or zstd compressed) and zip.
///
/// Sorting entries is the caller's job. With `Options.deterministic`, the same entries and
/// data give the same bytes on every machine: numeric ids only, no user or group names,
/// no atime/ctime, mtimes by policy, and gzip with no name, no timestamp and OS byte 3.
public final class ArchiveWriter {
    public struct Options: Sendable {
        public var format: ArchiveFormat
        public var compression: ArchiveCompression
        public var mtime: MtimePolicy
        /// Leave out user and group names (numeric ids only).
        public var numericOwners: Bool

        public init(format: ArchiveFormat = .pax, compression: ArchiveCompression = .none,
                    mtime: MtimePolicy = .keep, numericOwners: Bool = false) {
            self.format = format
            self.compression = compression
            self.mtime = mtime
            self.numericOwners = numericOwners
        }

        /// Reproducible output: numeric owners, mtimes clamped to `epoch` (when given).
        public static func deterministic(format: ArchiveFormat = .pax, compression: ArchiveCompression = .none, epoch: Int64? = nil) -> Options {
            Options(format: format, compression: compression, mtime: epoch.map { .clamp($0) } ?? .keep, numericOwners: true)
        }
    }

    private let archive: OpaquePointer
    private let context: WriterContext
    private let entry: OpaquePointer
    public let options: Options
    public let name: String
    private var finished = false
    /// For `writeData(from:size:)`: one buffer for all files, not one per file.
    private var chunk: UnsafeMutableRawBufferPointer?

    /// Writes to `sink`; `name` is used in error messages.
    public init(sink: ByteSink, name: String, options: Options = Options()) throws {
        guard let a = archive_write_new(), let e = archive_entry_new() else {
            throw ReeError(.system, "failed to allocate an archive writer")
        }
        archive = a
        entry = e
        self.options = options
        self.name = name
        context = WriterContext(sink: sink)
        // From here on, deinit frees the archive and entry if we throw.
        try configure()
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        if archive_write_open(a, opaque, nil, writerCallback, nil) != ARCHIVE_OK {
            throw failure("open")
        }
    }

    deinit {
        if !finished { archive_write_fail(archive) }
        archive_write_free(archive)
        archive_entry_free(entry)
        chunk?.deallocate()
    }

    private func check(_ status: Int32, _ verb: String) throws {
        if status < ARCHIVE_WARN { throw failure(verb) }
    }

    private func failure(_ verb: String) -> ReeError {
        if let e = context.error as? ReeError { return e }
        if let e = context.error { return ReeError(.system, "failed to \(verb) '\(name)': \(e)") }
        return ReeError(.system, "failed to \(verb) '\(name)': \(ArchiveReader.errorString(archive))")
    }

    private func configure() throws {
        switch options.format {
        case .pax:
            try check(archive_write_set_format_pax_restricted(archive), "set pax format for")
            // OCI tools read xattrs from SCHILY.xattr.* records only; don't add libarchive's own.
            _ = archive_write_set_format_option(archive, "pax", "xattrheader", "SCHILY")
            try check(archive_write_set_bytes_in_last_block(archive, 1), "set block size for")
        case .zip:
            try check(archive_write_set_format_zip(archive), "set zip format for")
            try check(archive_write_set_bytes_in_last_block(archive, 1), "set block size for")
        }
        switch options.compression {
        case .none:
            break
        case .gzip(let level):
            try check(archive_write_add_filter_gzip(archive), "add gzip to")
            try check(archive_write_set_filter_option(archive, "gzip", "compression-level", "\(level)"), "set gzip level for")
            // No timestamp in the gzip header (and libarchive never writes a name or varies the OS byte).
            try check(archive_write_set_filter_option(archive, "gzip", "timestamp", nil), "clear gzip timestamp for")
        case .zstd(let level):
            try check(archive_write_add_filter_zstd(archive), "add zstd to")
            try check(archive_write_set_filter_option(archive, "zstd", "compression-level", "\(level)"), "set zstd level for")
        }
    }

    /// Writes an entry header; for a regular file, `entry.size` bytes of data must follow.
    public func writeHeader(_ item: ArchiveEntry) throws {
        try withUTF8Locale { try writeHeaderInLocale(item) }
    }

    private func writeHeaderInLocale(_ item: ArchiveEntry) throws {
        archive_entry_clear(entry)
        let e = entry
        archive_entry_set_pathname_utf8(e, item.path)
        switch item.kind {
        case .regular, .hardlink: archive_entry_set_filetype(e, UInt32(FileType.regular))
        case .directory: archive_entry_set_filetype(e, UInt32(FileType.directory))
        case .symlink: archive_entry_set_filetype(e, UInt32(FileType.symlink))
        case .characterDevice: archive_entry_set_filetype(e, UInt32(FileType.characterDevice))
        case .blockDevice: archive_entry_set_filetype(e, UInt32(FileType.blockDevice))
        case .fifo: archive_entry_set_filetype(e, UInt32(FileType.fifo))
        case .socket:
            throw ReeError(.unsupported, "failed to write '\(item.path)' to '\(name)': sockets cannot be archived")
        }
        archive_entry_set_perm(e, mode_t(item.mode & 0o7777))
        archive_entry_set_uid(e, la_int64_t(item.uid))
        archive_entry_set_gid(e, la_int64_t(item.gid))
        if !options.numericOwners {
            if let u = item.userName { archive_entry_set_uname_utf8(e, u) }
            if let g = item.groupName { archive_entry_set_gname_utf8(e, g) }
        }
        let mtime = options.mtime.apply(item.mtime)
        let nanos = (mtime == item.mtime && options.mtime == .keep) ? Int(item.mtimeNanoseconds) : 0
        archive_entry_set_mtime(e, time_t(mtime), nanos)
        switch item.kind {
        case .regular: archive_entry_set_size(e, item.size)
        case .hardlink:
            archive_entry_set_size(e, 0)
            archive_entry_set_hardlink_utf8(e, item.linkTarget ?? "")
        case .symlink:
            archive_entry_set_size(e, 0)
            archive_entry_set_symlink_utf8(e, item.linkTarget ?? "")
        case .characterDevice, .blockDevice:
            archive_entry_set_size(e, 0)
            archive_entry_set_rdevmajor(e, dev_t(item.deviceMajor))
            archive_entry_set_rdevminor(e, dev_t(item.deviceMinor))
        default:
            archive_entry_set_size(e, 0)
        }
        for key in item.xattrs.keys.sorted() {
            guard let value = item.xattrs[key], !value.isEmpty else { continue }
            value.withUnsafeBytes { archive_entry_xattr_add_entry(e, key, $0.baseAddress, $0.count) }
        }
        try check(archive_write_header(archive, e), "write header of '\(item.path)' to")
    }

    /// Writes data for the current entry.
    public func writeData(_ buffer: UnsafeRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let n = archive_write_data(archive, base + offset, buffer.count - offset)
            if n < 0 { throw failure("write data to") }
            if n == 0 { throw ReeError(.system, "failed to write data to '\(name)': entry size exceeded") }
            offset += n
        }
    }

    /// Writes a header and the whole of `contents` (a regular file, size taken from `contents`).
    public func write(_ item: ArchiveEntry, contents: [UInt8]) throws {
        var item = item
        item.size = Int64(contents.count)
        try writeHeader(item)
        try contents.withUnsafeBytes { try writeData($0) }
    }

    /// Copies a file's data from `fd` for the current entry (exactly `size` bytes).
    public func writeData(from fd: FileDescriptor, size: Int64) throws {
        var remaining = size
        let buffer = chunk ?? UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        chunk = buffer
        while remaining > 0 {
            let want = Int(min(Int64(buffer.count), remaining))
            let n = try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            if n == 0 { throw ReeError(.corrupt, "failed to read '\(fd.path)': file shrank while archiving") }
            try writeData(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            remaining -= Int64(n)
        }
    }

    /// Writes the end of the archive and flushes compression; the writer is unusable afterwards.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        if archive_write_close(archive) != ARCHIVE_OK { throw failure("finish") }
    }
}

final class WriterContext {
    let sink: ByteSink
    var error: Error?
    init(sink: ByteSink) { self.sink = sink }
}

private func writerCallback(_ a: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?, _ length: Int) -> la_ssize_t {
    guard let client else { return -1 }
    let ctx = Unmanaged<WriterContext>.fromOpaque(client).takeUnretainedValue()
    do {
        try ctx.sink.write(UnsafeRawBufferPointer(start: buffer, count: length))
        return la_ssize_t(length)
    } catch {
        ctx.error = error
        return -1
    }
}
