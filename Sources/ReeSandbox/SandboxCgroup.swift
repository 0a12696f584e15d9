#if canImport(Glibc)
import Glibc
#endif
import ReeOS

/// Child cgroups of our own for the sandbox's memory and process limits: cgroup v2 where the controllers
/// are delegated to us, else the v1 hierarchies of a hybrid setup where they are writable.
///
/// The process limit needs a cgroup only when the command's host uid is 0: the kernel does not apply
/// RLIMIT_NPROC to the initial user's processes, so as root a fork bomb would pass the rlimit.
struct SandboxCgroup {
    private(set) var paths: [String] = []

    /// Moves `pid` into new cgroups with the limits asked for; `notes` says what could not be applied.
    static func create(pid: pid_t, memoryBytes: Int64?, maxProcesses: Int?, notes: inout [String]) -> SandboxCgroup {
        var group = SandboxCgroup()
        var wanted: [(controller: String, v2: [(String, String)], v1: [(String, String)])] = []
        if let memoryBytes {
            wanted.append(("memory", [("memory.max", "\(memoryBytes)"), ("memory.swap.max", "0")],
                           [("memory.limit_in_bytes", "\(memoryBytes)")]))
        }
        if let maxProcesses {
            wanted.append(("pids", [("pids.max", "\(maxProcesses)")], [("pids.max", "\(maxProcesses)")]))
        }
        if wanted.isEmpty { return group }
        let name = "ree-sandbox-\(pid)"
        let hierarchy = CgroupHierarchy.current()

        // cgroup v2: one child with every controller, when all of them are enabled for us.
        if let base = hierarchy.v2, mkdir("\(base)/\(name)", 0o755) == 0 {
            let path = "\(base)/\(name)"
            let controllers = (read("\(path)/cgroup.controllers") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
            if wanted.allSatisfy({ controllers.contains(Substring($0.controller)) }) {
                do {
                    for item in wanted {
                        for (index, (file, value)) in item.v2.enumerated() {
                            do { try write("\(path)/\(file)", value) } catch where index > 0 {}   // swap may be absent
                        }
                    }
                    try write("\(path)/cgroup.procs", "\(pid)")
                    group.paths.append(path)
                    return group
                } catch {}
            }
            _ = rmdir(path)
        }
        // cgroup v1: one child per controller hierarchy.
        for item in wanted {
            guard let base = hierarchy.v1[item.controller] else {
                notes.append("\(item.controller) limit not applied: no delegated cgroup v2 controller and no cgroup v1 '\(item.controller)' hierarchy")
                continue
            }
            let path = "\(base)/\(name)"
            do {
                try checked("create cgroup", path) { mkdir(path, 0o755) }
                for (file, value) in item.v1 { try write("\(path)/\(file)", value) }
                try write("\(path)/cgroup.procs", "\(pid)")
                group.paths.append(path)
            } catch {
                _ = rmdir(path)
                notes.append("\(item.controller) limit not applied: \(error)")
            }
        }
        return group
    }

    /// Removes the cgroups once their processes are gone (they are once the init has been reaped).
    func remove() {
        for path in paths {
            for _ in 0..<100 {
                if rmdir(path) == 0 || errno == ENOENT { break }
                usleep(2000)
            }
        }
    }

    static func read(_ path: String) -> String? {
        guard let fd = try? FileDescriptor.open(path), let bytes = try? fd.readToEnd(limit: 1 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ path: String, _ value: String) throws {
        let fd = try FileDescriptor.open(path, O_WRONLY)
        try fd.writeAll(Array(value.utf8))
    }
}

/// Where this process's cgroups are: its v2 directory and its v1 directory per controller.
struct CgroupHierarchy {
    var v2: String?
    var v1: [String: String] = [:]

    static func current() -> CgroupHierarchy {
        var result = CgroupHierarchy()
        guard let own = SandboxCgroup.read("/proc/self/cgroup"), let mounts = SandboxCgroup.read("/proc/self/mountinfo") else { return result }
        var v2Relative: String?
        var v1Relative: [String: String] = [:]
        for line in own.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty { v2Relative = String(fields[2]) }
            for controller in fields[1].split(separator: ",") { v1Relative[String(controller)] = String(fields[2]) }
        }
        for entry in mounts.split(separator: "\n") {
            let halves = entry.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2 else { continue }
            let fields = halves[0].split(separator: " "), tail = halves[1].split(separator: " ")
            guard fields.count >= 5, tail.count >= 3 else { continue }
            let mountpoint = String(fields[4]), root = String(fields[3])
            func join(_ relative: String) -> String? {
                // The mount shows the hierarchy from `root`; our path must lie under it.
                guard relative.hasPrefix(root) else { return nil }
                let rest = String(relative.dropFirst(root == "/" ? 0 : root.count))
                return rest == "/" || rest.isEmpty ? mountpoint : mountpoint + rest
            }
            if tail[0] == "cgroup2", result.v2 == nil, let relative = v2Relative {
                result.v2 = join(relative)
            } else if tail[0] == "cgroup" {
                for option in tail[2].split(separator: ",") {
                    let controller = String(option)
                    if let relative = v1Relative[controller], result.v1[controller] == nil { result.v1[controller] = join(relative) }
                }
            }
        }
        return result
    }
}
