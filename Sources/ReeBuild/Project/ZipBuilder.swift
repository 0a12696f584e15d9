import ReeArchive
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Writes directory trees and files into a ZIP, in name order: added bytes get a fixed time, trees keep theirs.
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

    /// Every regular file, directory and symlink under `directory`, below `prefix/`, keeping modes
    /// and mtimes; symlinks must stay inside the tree, special files are refused.
    func addTree(_ directory: String, prefix: String) throws {
        try addTree(directory, prefix: prefix, relative: "")
    }

    private func addTree(_ directory: String, prefix: String, relative: String) throws {
        for name in try FileSystem.listDirectory(directory).sorted() {
            let full = directory + "/" + name, path = prefix + "/" + name
            let inTree = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else { throw ReeError.system("stat", full) }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try writer.writeHeader(ArchiveEntry(path: path + "/", kind: .directory, mode: UInt32(st.st_mode & 0o7777), mtime: Int64(st.st_mtim.tv_sec)))
                try addTree(full, prefix: path, relative: inTree)
            case S_IFREG:
                try add(path, file: full, mode: UInt32(st.st_mode & 0o7777), mtime: Int64(st.st_mtim.tv_sec))
            case S_IFLNK:
                let target = try FileSystem.readLink(full)
                guard ProjectArchive.symlinkStaysInside(target: target, linkPath: inTree) else {
                    throw ReeError(.unsupported, "failed to pack '\(path)': its symlink target '\(target)' points outside the project")
                }
                try writer.writeHeader(ArchiveEntry(path: path, kind: .symlink, mode: 0o777, mtime: Int64(st.st_mtim.tv_sec), linkTarget: target))
            default:
                throw ReeError(.unsupported, "failed to pack '\(path)': only regular files, directories and symlinks can go into an REE")
            }
        }
    }

    func finish() throws {
        try writer.finish()
        try fd.sync()
        try fd.close()
    }
}
