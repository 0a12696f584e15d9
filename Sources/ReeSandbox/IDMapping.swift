#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import ReeOS

/// How the sandbox's user namespace maps ids, resolved from `SandboxConfiguration.UserNamespaceMode`.
enum IDMapping: Equatable {
    /// We are root: the parent writes "0 0 65536" itself.
    case rootFull
    /// Unprivileged with subordinate ranges: `newuidmap`/`newgidmap` map 0 to us and 1...65535 to the ranges.
    case helperFull(newuidmap: String, newgidmap: String, uidStart: UInt32, gidStart: UInt32)
    /// Only our own ids, mapped to 0 by the child itself; seccomp emulates the rest.
    case single

    static let fullCount: UInt32 = 65536

    var mode: SandboxResult.IDMode { self == .single ? .single : .full }

    static func resolve(_ requested: SandboxConfiguration.UserNamespaceMode) throws -> IDMapping {
        switch requested {
        case .single: return .single
        case .auto: return detectFull() ?? .single
        case .full:
            if let full = detectFull() { return full }
            throw ReeError(.unsupported, "failed to map a full id range: not root, and no newuidmap/newgidmap with a subordinate range of \(fullCount - 1) ids in /etc/subuid and /etc/subgid")
        }
    }

    private static func detectFull() -> IDMapping? {
        if geteuid() == 0 { return .rootFull }
        guard let uidmap = executable("newuidmap"), let gidmap = executable("newgidmap") else { return nil }
        let uid = geteuid()
        let names = [userName(uid), String(uid)].compactMap { $0 }
        guard let uidStart = subordinateStart("/etc/subuid", names: names),
              let gidStart = subordinateStart("/etc/subgid", names: names) else { return nil }
        return .helperFull(newuidmap: uidmap, newgidmap: gidmap, uidStart: uidStart, gidStart: gidStart)
    }

    private static func executable(_ name: String) -> String? {
        for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }

    private static func userName(_ uid: uid_t) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return nil }
        return String(cString: name)
    }

    /// The start of the first range of at least 65535 ids for one of `names` in a subuid/subgid file.
    static func subordinateStart(_ path: String, names: [String]) -> UInt32? {
        guard let file = try? FileDescriptor.open(path), let bytes = try? file.readToEnd(limit: 1 << 20) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, names.contains(String(fields[0])),
                  let start = UInt32(fields[1]), let count = UInt32(fields[2]), count >= fullCount - 1 else { continue }
            return start
        }
        return nil
    }

    /// The uid and gid maps this mapping installs.
    var ranges: (uid: [IDRange], gid: [IDRange]) {
        switch self {
        case .rootFull:
            let all = [IDRange(inside: 0, outside: 0, count: Self.fullCount)]
            return (all, all)
        case let .helperFull(_, _, uidStart, gidStart):
            return ([IDRange(inside: 0, outside: geteuid(), count: 1), IDRange(inside: 1, outside: uidStart, count: Self.fullCount - 1)],
                    [IDRange(inside: 0, outside: getegid(), count: 1), IDRange(inside: 1, outside: gidStart, count: Self.fullCount - 1)])
        case .single:
            return ([IDRange(inside: 0, outside: geteuid(), count: 1)], [IDRange(inside: 0, outside: getegid(), count: 1)])
        }
    }

    /// Writes the full maps of `pid` (the parent's part; single maps are written by the child).
    func writeMaps(pid: pid_t) throws {
        switch self {
        case .single:
            return
        case .rootFull:
            for file in ["uid_map", "gid_map"] {
                let path = "/proc/\(pid)/\(file)"
                let fd = try FileDescriptor.open(path, O_WRONLY)
                try fd.writeAll(Array("0 0 \(Self.fullCount)\n".utf8))
            }
        case let .helperFull(newuidmap, newgidmap, uidStart, gidStart):
            try Self.runHelper([newuidmap, "\(pid)", "0", "\(geteuid())", "1", "1", "\(uidStart)", "\(Self.fullCount - 1)"])
            try Self.runHelper([newgidmap, "\(pid)", "0", "\(getegid())", "1", "1", "\(gidStart)", "\(Self.fullCount - 1)"])
        }
    }

    private static func runHelper(_ argv: [String]) throws {
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], nil, nil, cArgs, environ)
        if rc != 0 { throw ReeError.system("run", argv[0], errno: rc) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw ReeError.system("wait for", argv[0]) }
        }
        if !(ree_wait_exited(status) != 0 && ree_wait_exit_code(status) == 0) {
            throw ReeError(.processFailed, "failed to run '\(argv.joined(separator: " "))': status \(status)")
        }
    }
}
