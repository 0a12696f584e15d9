import Foundation
import ReeArchive
import ReeOCI
import ReeOS

/// Unpacks a ZIP (a project, an REE) that a user handed us: no absolute paths, no `..`, no
/// device files, symlinks refused or kept inside, and entry-count and size limits enforced
/// while streaming (a zip bomb stops at the limit, not after it filled the disk).
public struct SafeArchiveExtractor: Sendable {
    public struct Limits: Sendable {
        public var entries = 200_000
        public var totalBytes: Int64 = 16 << 30
        public var entryBytes: Int64 = 8 << 30
        public init() {}
    }

    public enum Symlinks: Sendable {
        /// Any symlink is an error.
        case refuse
        /// Symlinks whose target stays inside the tree are made (after every file, so none can
        /// redirect a later write); others are an error.
        case insideOnly
    }

    public var limits = Limits()
    public var symlinks: Symlinks

    public init(symlinks: Symlinks, limits: Limits = Limits()) {
        self.symlinks = symlinks
        self.limits = limits
    }

    /// Extracts `archive` into the existing empty directory `destination`; returns the file paths.
    @discardableResult
    public func extract(_ archive: String, to destination: String) throws -> [String] {
        let name = FileSystem.lastComponent(of: archive)
        let reader = try ArchiveReader(path: archive, formats: [.zip])
        var count = 0
        var total: Int64 = 0
        var files: [String] = []
        var links: [(String, String)] = []
        var seen: Set<String> = []
        while let entry = try reader.next() {
            count += 1
            guard count <= limits.entries else { throw ReeError(.limitExceeded, "failed to unpack '\(name)': more than \(limits.entries) entries") }
            if entry.kind == .directory && (entry.path == "./" || entry.path == ".") { continue }
            let path = try ArchivePath.normalize(entry.path, archive: name)
            guard seen.insert(path).inserted else { throw ReeError(.invalidInput, "failed to unpack '\(name)': '\(path)' appears twice") }
            let full = destination + "/" + path
            switch entry.kind {
            case .directory:
                try makeDirectories(destination, path)
                chmod(full, mode_t(entry.mode & 0o777 | 0o700))
            case .regular:
                try makeDirectories(destination, Self.parent(path))
                let fd = try FileDescriptor.open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
                let sink = LimitedSink(fd, entryLimit: limits.entryBytes, totalLimit: limits.totalBytes - total, name: "\(name): \(path)")
                let n = try reader.copyData(to: sink)
                total += n
                fchmod(fd.rawValue, mode_t(entry.mode & 0o7777))
                var times = [timespec(tv_sec: time_t(entry.mtime), tv_nsec: 0), timespec(tv_sec: time_t(entry.mtime), tv_nsec: 0)]
                futimens(fd.rawValue, &times)
                try fd.close()
                files.append(path)
            case .symlink:
                guard symlinks == .insideOnly else { throw ReeError(.invalidInput, "failed to unpack '\(name)': symlink '\(path)' is not allowed here") }
                let target = entry.linkTarget ?? ""
                _ = try ArchivePath.resolve(target, from: path, archive: name)
                links.append((path, target))
            default:
                throw ReeError(.invalidInput, "failed to unpack '\(name)': '\(path)' is not a file or directory")
            }
        }
        for (path, target) in links {
            try makeDirectories(destination, Self.parent(path))
            guard symlink(target, destination + "/" + path) == 0 else { throw ReeError.system("create symlink", path) }
        }
        return files
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `mkdir -p` inside `root`, refusing to pass through anything but real directories.
    private func makeDirectories(_ root: String, _ relative: String) throws {
        var current = root
        for part in relative.split(separator: "/") {
            current += "/" + part
            var st = stat()
            if lstat(current, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else { throw ReeError(.invalidInput, "failed to unpack: '\(relative)' passes through a non-directory") }
                continue
            }
            guard mkdir(current, 0o755) == 0 || errno == EEXIST else { throw ReeError.system("create directory", current) }
        }
    }
}

/// Counts what passes and throws past a limit.
final class LimitedSink: ByteSink {
    private let next: ByteSink
    private let entryLimit: Int64, totalLimit: Int64
    private let name: String
    private var count: Int64 = 0
    init(_ next: ByteSink, entryLimit: Int64, totalLimit: Int64, name: String) {
        self.next = next
        self.entryLimit = entryLimit
        self.totalLimit = totalLimit
        self.name = name
    }
    func write(_ buffer: UnsafeRawBufferPointer) throws {
        count += Int64(buffer.count)
        if count > entryLimit || count > totalLimit {
            throw ReeError(.limitExceeded, "failed to unpack '\(name)': over the size limit")
        }
        try next.write(buffer)
    }
}

/// Writes directory trees and files into a ZIP, in name order, with fixed times.
final class ZipBuilder {
    private let fd: FileDescriptor
    private let writer: ArchiveWriter
    let mtime: Int64

    init(path: String, mtime: Int64) throws {
        fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        writer = try ArchiveWriter(sink: fd, name: path, options: .init(format: .zip, compression: .none, mtime: .keep, numericOwners: true))
        self.mtime = mtime
    }

    func add(_ path: String, bytes: [UInt8], mode: UInt32 = 0o644) throws {
        try writer.write(ArchiveEntry(path: path, kind: .regular, mode: mode, size: Int64(bytes.count), mtime: mtime), contents: bytes)
    }

    func add(_ path: String, file: String, mode: UInt32? = nil, mtime: Int64? = nil) throws {
        let src = try FileDescriptor.open(file, O_RDONLY | O_NOFOLLOW)
        let st = try src.stat()
        try writer.writeHeader(ArchiveEntry(path: path, kind: .regular, mode: mode ?? UInt32(st.st_mode & 0o7777), size: Int64(st.st_size),
                                            mtime: mtime ?? self.mtime))
        try writer.writeData(from: src, size: Int64(st.st_size))
    }

    /// Every regular file and directory under `directory`, below `prefix/`, keeping modes and
    /// mtimes; symlinks and special files are refused.
    func addTree(_ directory: String, prefix: String) throws {
        for name in try FileSystem.listDirectory(directory).sorted() {
            let full = directory + "/" + name, path = prefix + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else { throw ReeError.system("stat", full) }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try writer.writeHeader(ArchiveEntry(path: path + "/", kind: .directory, mode: UInt32(st.st_mode & 0o7777), mtime: Int64(st.st_mtim.tv_sec)))
                try addTree(full, prefix: path)
            case S_IFREG:
                try add(path, file: full, mode: UInt32(st.st_mode & 0o7777), mtime: Int64(st.st_mtim.tv_sec))
            default:
                throw ReeError(.unsupported, "failed to pack '\(path)': only regular files and directories can go into an REE (symlinks and special files cannot)")
            }
        }
    }

    func finish() throws {
        try writer.finish()
        try fd.sync()
        try fd.close()
    }
}
