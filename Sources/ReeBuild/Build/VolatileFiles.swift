import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Files that a RUN step writes differently every time although nothing meaningful changed:
/// logs, caches, lock files, backup copies. They are dropped from the step's upper directory
/// (the lower version, if any, stays visible) or normalised, before the layer is made.
/// `docs/reproducibility.md` explains each rule.
enum VolatileFiles {
    /// Removed when the step wrote them (regular files only; a deletion is kept).
    static let dropped: [String] = [
        "var/cache/ldconfig/aux-cache",
        "var/log/dpkg.log", "var/log/alternatives.log", "var/log/bootstrap.log",
        "var/log/apt/history.log", "var/log/apt/term.log", "var/log/apt/eipp.log.xz",
        "var/cache/apt/pkgcache.bin", "var/cache/apt/srcpkgcache.bin",
        "var/lib/dpkg/status-old", "var/lib/dpkg/diversions-old", "var/lib/dpkg/statoverride-old",
        "var/cache/debconf/config.dat-old", "var/cache/debconf/templates.dat-old", "var/cache/debconf/passwords.dat-old",
        "etc/shadow-", "etc/gshadow-", "etc/passwd-", "etc/group-", "etc/subuid-", "etc/subgid-",
        "var/lib/apt/lists/lock", "var/cache/apt/archives/lock", "var/lib/dpkg/lock", "var/lib/dpkg/lock-frontend",
        "var/lib/dpkg/triggers/Lock",
    ]
    /// Directories whose new contents are dropped: partial downloads.
    static let droppedContents: [String] = ["var/lib/apt/lists/partial", "var/cache/apt/archives/partial"]

    static func normalize(upper: String, epoch: Int64) throws {
        for path in dropped { try dropRegular(upper + "/" + path) }
        for dir in droppedContents {
            let host = upper + "/" + dir
            guard FileSystem.isDirectory(host) else { continue }
            for name in try FileSystem.listDirectory(host) { try dropRegular(host + "/" + name) }
        }
        try normalizeShadow(upper + "/etc/shadow", epoch: epoch)
    }

    private static func dropRegular(_ host: String) throws {
        var st = stat()
        guard lstat(host, &st) == 0, (st.st_mode & FileType.mask) == FileType.regular else { return }
        // A zero-size file marked as an overlay whiteout is a deletion: keep it.
        if st.st_size == 0, (try? ExtendedAttributes.get(host, "user.overlay.whiteout")) ?? nil != nil { return }
        try checked("remove", host) { unlink(host) }
    }

    /// `/etc/shadow` records the day of each password change: set them to the epoch's day.
    private static func normalizeShadow(_ host: String, epoch: Int64) throws {
        var st = stat()
        guard lstat(host, &st) == 0, (st.st_mode & FileType.mask) == FileType.regular else { return }
        let text = String(decoding: try FileSystem.readFile(host), as: UTF8.self)
        let day = String(epoch / 86400)
        var changed = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, !fields[2].isEmpty, fields[2] != day else { return String(line) }
            fields[2] = day
            changed = true
            return fields.joined(separator: ":")
        }
        guard changed else { return }
        let fd = try FileDescriptor.open(host, O_WRONLY | O_TRUNC | O_NOFOLLOW)
        try fd.writeAll(Array(lines.joined(separator: "\n").utf8))
        var times = [st.st_mtim, st.st_mtim]
        try checked("set times of", host) { futimens(fd.rawValue, &times) }
    }
}
