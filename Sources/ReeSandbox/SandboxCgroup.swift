#if canImport(Glibc)
import Glibc
#endif
import ReeOS

/// A child cgroup (v2) of our own with memory.max and pids.max, where one is delegated to us and writable.
struct SandboxCgroup {
    let path: String

    enum Outcome { case success(SandboxCgroup), failure(String) }

    static func create(pid: pid_t, memoryBytes: Int64, maxProcesses: Int) -> Outcome {
        guard let base = ownCgroupDirectory() else { return .failure("no cgroup v2 hierarchy for this process") }
        let path = "\(base)/ree-sandbox-\(pid)"
        guard mkdir(path, 0o755) == 0 else {
            return .failure("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        let group = SandboxCgroup(path: path)
        let controllers = read("\(path)/cgroup.controllers") ?? ""
        guard controllers.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains("memory") else {
            group.remove()
            return .failure("the memory controller is not enabled for '\(base)'")
        }
        do {
            try write("\(path)/memory.max", "\(memoryBytes)")
            try? write("\(path)/memory.swap.max", "0")
            if controllers.contains("pids") { try write("\(path)/pids.max", "\(maxProcesses)") }
            try write("\(path)/cgroup.procs", "\(pid)")
        } catch {
            group.remove()
            return .failure("\(error)")
        }
        return .success(group)
    }

    /// Removes the cgroup once its processes are gone (they are, when the init has been reaped).
    func remove() {
        for _ in 0..<50 {
            if rmdir(path) == 0 || errno == ENOENT { return }
            usleep(2000)
        }
    }

    private static func ownCgroupDirectory() -> String? {
        guard let own = read("/proc/self/cgroup") else { return nil }
        guard let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let relative = String(line.dropFirst(3))
        guard let mounts = read("/proc/self/mountinfo") else { return nil }
        for entry in mounts.split(separator: "\n") {
            let halves = entry.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            guard fields.count >= 5 else { continue }
            let mountpoint = String(fields[4])
            return relative == "/" ? mountpoint : mountpoint + relative
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        guard let fd = try? FileDescriptor.open(path), let bytes = try? fd.readToEnd(limit: 1 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ path: String, _ value: String) throws {
        let fd = try FileDescriptor.open(path, O_WRONLY)
        try fd.writeAll(Array(value.utf8))
    }
}
