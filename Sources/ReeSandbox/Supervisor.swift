#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import ReeOS

/// One sandbox run, on its own thread: prepares the step directory and the C arguments, spawns, writes
/// the id maps, applies the cgroup limits, then polls the error pipe, the control socket, the output
/// pipes and the pidfd until everything has ended.
struct Supervisor {
    let configuration: SandboxConfiguration
    let output: SandboxOutput
    let listener: (@Sendable (Int32) -> Void)?
    let control: RunControl
    /// Work that may wait until the caller has its result: removing the step directory and cgroups.
    let cleanup: DeferredCleanup

    init(_ configuration: SandboxConfiguration, output: SandboxOutput, listener: (@Sendable (Int32) -> Void)?,
         control: RunControl, cleanup: DeferredCleanup) {
        self.configuration = configuration
        self.output = output
        self.listener = listener
        self.control = control
        self.cleanup = cleanup
    }

    static let aptSettingTarget = "/etc/apt/apt.conf.d/00ree-sandbox"

    private struct Bind {
        var source: String
        var target: String
        var readOnly: Bool
        var directory: Bool
    }

    func run() throws -> SandboxResult {
        let c = configuration
        guard let command = c.argv.first, !command.isEmpty else {
            throw ReeError(.invalidInput, "failed to run sandbox: empty command")
        }
        for s in c.argv + c.environment + [c.hostname, c.workingDirectory] where s.utf8.contains(0) {
            throw ReeError(.invalidInput, "failed to run sandbox: a NUL byte in '\(s)'")
        }
        guard !c.hostname.isEmpty, c.hostname.utf8.count <= 64 else {
            throw ReeError(.invalidInput, "failed to set hostname '\(c.hostname)': must have 1 to 64 bytes")
        }
        let workdir = try normalizedRootPath(c.workingDirectory, what: "working directory")
        let mapping = try IDMapping.resolve(c.userNamespace)
        let single = mapping == .single
        var notes: [String] = []
        if single && (c.uid != 0 || c.gid != 0 || !c.supplementaryGroups.isEmpty) {
            notes.append("single id mode maps only uid 0: running as 0:0 instead of \(c.uid):\(c.gid)")
        }
        let program = try SeccompProfile.program(single: single)

        let step = try StepDirectory.create()
        cleanup.add { step.remove() }

        var binds: [Bind] = [
            Bind(source: try step.writeFile("hosts", "127.0.0.1\tlocalhost \(c.hostname)\n::1\tlocalhost ip6-localhost ip6-loopback\n"),
                 target: "/etc/hosts", readOnly: true, directory: false),
            Bind(source: try step.writeFile("hostname", "\(c.hostname)\n"), target: "/etc/hostname", readOnly: true, directory: false),
        ]
        if c.aptSandboxRoot ?? single {
            binds.append(Bind(source: try step.writeFile("apt.conf", "APT::Sandbox::User \"root\";\n"),
                              target: Self.aptSettingTarget, readOnly: true, directory: false))
        }
        for mount in c.mounts {
            guard mount.source.hasPrefix("/") else {
                throw ReeError(.invalidInput, "failed to use bind source '\(mount.source)': not absolute")
            }
            var st = stat()
            try checked("stat bind source", mount.source) { stat(mount.source, &st) }
            binds.append(Bind(source: mount.source, target: try normalizedRootPath(mount.target, what: "bind target"),
                              readOnly: mount.readOnly, directory: (st.st_mode & ree_s_ifmt) == ree_s_ifdir))
        }
        let systemDirectories = ["/proc", "/dev", "/sys"]

        // The root: an overlay over the caller's lowers plus the stub layer, or a bind of a directory.
        var overlayOptions = ""
        var overlayLayers: [String] = []
        var overlayDirectories = ("", "")
        var createdMountpoints = CreatedMountpoints()
        var directoryRoot: FileDescriptor?
        defer { if let directoryRoot { createdMountpoints.remove(root: directoryRoot) } }
        let rootMode: SandboxResult.RootMode
        let rootSource: String
        switch c.root {
        case let .overlay(lower, upper, work):
            rootMode = .overlay
            rootSource = upper
            for dir in systemDirectories { try step.addStub(dir, directory: true) }
            for bind in binds { try step.addStub(bind.target, directory: bind.directory) }
            let layers = lower + [step.stubs]
            for path in layers + [upper, work] where path.contains(where: { $0 == "," || $0 == ":" || $0 == "\\" }) || !path.hasPrefix("/") {
                throw ReeError(.invalidInput, "failed to use overlay directory '\(path)': must be absolute, without ',', ':' or '\\'")
            }
            overlayOptions = "lowerdir=\(layers.joined(separator: ":")),upperdir=\(upper),workdir=\(work),userxattr,redirect_dir=nofollow,metacopy=off"
            overlayLayers = layers
            overlayDirectories = (upper, work)
        case let .directory(path):
            guard path.hasPrefix("/") else { throw ReeError(.invalidInput, "failed to use root directory '\(path)': not absolute") }
            rootMode = .directory
            rootSource = path
            let root = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
            directoryRoot = root
            for dir in systemDirectories { try createdMountpoints.ensure(root: root, target: dir, directory: true) }
            for bind in binds { try createdMountpoints.ensure(root: root, target: bind.target, directory: bind.directory) }
        }

        // Descriptors: parent ends stay with us, child ends are closed right after the spawn.
        let sync = try Self.pipe("sync")
        let errors = try Self.pipe("error")
        var pair: [Int32] = [-1, -1]
        try checked("create control socket") { ree_control_socketpair(&pair) }
        let controlParent = FileDescriptor(adopting: pair[0], path: "control socket")
        var controlChild: FileDescriptor? = FileDescriptor(adopting: pair[1], path: "control socket")
        var stdio: (Int32, Int32, Int32) = (0, 1, 2)
        // sync.read stays open here too until both bytes are written: a child that died meanwhile must
        // not turn our write into SIGPIPE.
        var childEnds: [FileDescriptor] = [errors.write]
        var stdoutRead: FileDescriptor?, stderrRead: FileDescriptor?
        var deliver: (@Sendable (SandboxOutput.Stream, [UInt8]) -> Void)?
        switch output {
        case .inherit:
            break
        case .discard, .capture:
            let null = try FileDescriptor.open("/dev/null", O_RDWR)
            childEnds.append(null)
            stdio = (null.rawValue, null.rawValue, null.rawValue)
            if case let .capture(callback) = output {
                deliver = callback
                let out = try Self.pipe("stdout"), err = try Self.pipe("stderr")
                childEnds += [out.write, err.write]
                stdoutRead = out.read
                stderrRead = err.read
                stdio.1 = out.write.rawValue
                stdio.2 = err.write.rawValue
            }
        }
        guard let controlChildFD = controlChild?.rawValue else { throw ReeError(.system, "failed to create control socket") }

        // The C arguments, alive until ree_spawn returns.
        let arena = CArena()
        var args = ree_spawn_args()
        args.root_kind = rootMode == .overlay ? Int32(REE_ROOT_OVERLAY.rawValue) : Int32(REE_ROOT_DIRECTORY.rawValue)
        args.root_mountpoint = arena.string(step.mountpoint)
        // mount(2) takes at most a page of options; beyond that, one fsconfig parameter per layer.
        args.overlay_options = overlayOptions.utf8.count < 4000 ? arena.string(overlayOptions) : nil
        let lowers = arena.array(of: UnsafePointer<CChar>?.self, count: overlayLayers.count)
        for (i, layer) in overlayLayers.enumerated() { lowers[i] = arena.string(layer) }
        args.overlay_lowers = UnsafePointer(lowers)
        args.overlay_lower_count = overlayLayers.count
        args.overlay_upper = arena.string(overlayDirectories.0)
        args.overlay_work = arena.string(overlayDirectories.1)
        args.root_source = arena.string(rootSource)
        let mounts = arena.array(of: ree_spawn_mount.self, count: binds.count)
        for (i, bind) in binds.enumerated() {
            mounts[i] = ree_spawn_mount(source: arena.string(bind.source), target: arena.string(bind.target), read_only: bind.readOnly ? 1 : 0)
        }
        args.mounts = UnsafePointer(mounts)
        args.mount_count = binds.count
        args.hostname = arena.string(c.hostname)
        args.workdir = arena.string(workdir)
        args.argv = UnsafePointer(arena.stringArray(c.argv))
        args.envp = UnsafePointer(arena.stringArray(c.environment))
        args.single_id = single ? 1 : 0
        args.outer_uid = geteuid()
        args.outer_gid = getegid()
        args.set_ids = single ? 0 : 1
        args.uid = c.uid
        args.gid = c.gid
        let groups = arena.array(of: gid_t.self, count: c.supplementaryGroups.count)
        for (i, g) in c.supplementaryGroups.enumerated() { groups[i] = g }
        args.groups = UnsafePointer(groups)
        args.group_count = c.supplementaryGroups.count
        var limits: [ree_spawn_rlimit] = [
            ree_spawn_rlimit(resource: Int32(ree_rlimit_nproc), soft: UInt64(c.limits.maxProcesses), hard: UInt64(c.limits.maxProcesses)),
            ree_spawn_rlimit(resource: Int32(ree_rlimit_nofile), soft: UInt64(c.limits.maxOpenFiles), hard: UInt64(c.limits.maxOpenFiles)),
            // No core files: they would land in the layer, and a piped core_pattern runs a host helper.
            ree_spawn_rlimit(resource: Int32(ree_rlimit_core), soft: 0, hard: 0),
        ]
        if let size = c.limits.maxFileSize {
            limits.append(ree_spawn_rlimit(resource: Int32(ree_rlimit_fsize), soft: UInt64(size), hard: UInt64(size)))
        }
        let rlimits = arena.array(of: ree_spawn_rlimit.self, count: limits.count)
        for (i, var l) in limits.enumerated() {
            // Raising a hard limit needs CAP_SYS_RESOURCE in the initial namespace: clamp to ours.
            var current = rlimit()
            if getrlimit(__rlimit_resource_t(UInt32(l.resource)), &current) == 0 && current.rlim_max != rlim_t.max {
                l.hard = min(l.hard, UInt64(current.rlim_max))
                l.soft = min(l.soft, l.hard)
            }
            rlimits[i] = l
        }
        args.rlimits = UnsafePointer(rlimits)
        args.rlimit_count = limits.count
        let filter = arena.bytes(program)
        args.filter = UnsafeRawPointer(filter)
        args.filter_length = UInt16(program.count / 8)
        args.listen_port = c.listenPort.map { Int32($0) } ?? -1
        // Without our terminal the command cannot reach it through /dev/tty.
        if case .inherit = output { args.new_session = 0 } else { args.new_session = 1 }
        args.stdin_fd = stdio.0
        args.stdout_fd = stdio.1
        args.stderr_fd = stdio.2
        args.sync_fd = sync.read.rawValue
        args.error_fd = errors.write.rawValue
        args.control_fd = controlChildFD

        // The child waits for two bytes: one when its maps are written, one when it is in its cgroups.
        // What needs no work after the clone is written before it, sparing the child a wait.
        // RLIMIT_NPROC does not bind host uid 0: as root, the process limit needs the pids cgroup.
        let hostRootCommand = geteuid() == 0 && (single || c.uid == 0)
        let needsCgroup = c.limits.memoryBytes != nil || hostRootCommand
        var released = 0
        if single {
            try sync.write.writeAll([1])
            released = needsCgroup ? 1 : 2
            if !needsCgroup { try sync.write.writeAll([2]) }
        }

        var pidfdRaw: Int32 = -1
        // `args` points into the arena: keep it alive across the clone (ARC may end it after its last use).
        let pid = withExtendedLifetime(arena) { ree_spawn(&args, &pidfdRaw) }
        if pid < 0 { throw ReeError.system("clone sandbox into new namespaces") }
        let pidfd = FileDescriptor(adopting: pidfdRaw, path: "sandbox pidfd")
        for fd in childEnds { try? fd.close() }
        try? controlChild?.close()
        controlChild = nil
        control.attach(pidfd.rawValue)
        // Detach before the pidfd can be closed: a cancel must never signal a reused descriptor number.
        defer { control.detach(); withExtendedLifetime(pidfd) {} }

        var cgroup: SandboxCgroup?
        do {
            if released < 1 {
                try mapping.writeMaps(pid: pid)
                try sync.write.writeAll([1])
            }
            if released < 2 {
                if needsCgroup {
                    cgroup = SandboxCgroup.create(pid: pid, memoryBytes: c.limits.memoryBytes,
                                                  maxProcesses: hostRootCommand ? c.limits.maxProcesses : nil, notes: &notes)
                }
                try sync.write.writeAll([2])
            }
            try sync.write.close()
            try sync.read.close()
        } catch {
            _ = ree_pidfd_send_signal(pidfd.rawValue, SIGKILL)
            Self.reap(pid)
            if let cgroup { self.cleanup.add { cgroup.remove() } }
            throw error
        }
        if let cgroup { self.cleanup.add { cgroup.remove() } }

        var loop = SupervisionLoop(pid: pid, pidfd: pidfd, errors: errors.read, control: controlParent,
                                   stdout: stdoutRead, stderr: stderrRead, deliver: deliver, listener: listener,
                                   timeout: c.limits.timeout)
        loop.run()

        if let failure = loop.failure {
            throw Self.error(for: failure, binds: binds, configuration: c, step: step)
        }
        let ranges = mapping.ranges
        var result = SandboxResult(exitCode: nil, signal: nil, timedOut: loop.timedOut, rootMode: rootMode,
                                   idMode: mapping.mode, notes: notes, uidMap: ranges.uid, gidMap: ranges.gid)
        if let status = loop.status {
            if ree_wait_exited(status) != 0 { result.exitCode = ree_wait_exit_code(status) }
            else if ree_wait_signaled(status) != 0 { result.signal = ree_wait_term_signal(status) }
        } else {
            result.signal = SIGKILL
        }
        return result
    }

    static func pipe(_ name: String) throws -> (read: FileDescriptor, write: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        try checked("create pipe", name) { ree_pipe2(&fds, O_CLOEXEC) }
        return (FileDescriptor(adopting: fds[0], path: "\(name) pipe"), FileDescriptor(adopting: fds[1], path: "\(name) pipe"))
    }

    static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func error(for failure: ree_spawn_failure, binds: [Bind], configuration c: SandboxConfiguration, step: StepDirectory) -> ReeError {
        let stage = ree_spawn_stage_name(failure.stage).map { String(cString: $0) } ?? "set up sandbox"
        let index = Int(failure.index)
        let object: String?
        switch UInt32(failure.stage) {
        case REE_STAGE_EXEC.rawValue: object = c.argv.first
        case REE_STAGE_BIND_MOUNT.rawValue: object = index < binds.count ? binds[index].target : nil
        case REE_STAGE_WORKDIR.rawValue: object = c.workingDirectory
        case REE_STAGE_MOUNT_OVERLAY.rawValue, REE_STAGE_BIND_ROOT.rawValue: object = step.mountpoint
        case REE_STAGE_HOSTNAME.rawValue: object = c.hostname
        case REE_STAGE_LISTEN.rawValue: object = c.listenPort.map { "127.0.0.1:\($0)" }
        default: object = nil
        }
        var error = ReeError.system(stage, object, errno: failure.error)
        if UInt32(failure.stage) == REE_STAGE_MOUNT_OVERLAY.rawValue { error.code = .unsupported }
        return error
    }
}

/// Closures run in order on the sandbox's thread after the caller has been resumed.
final class DeferredCleanup {
    private var actions: [() -> Void] = []
    func add(_ action: @escaping () -> Void) { actions.append(action) }
    func run() {
        for action in actions { action() }
        actions = []
    }
}

/// Memory for the C arguments, freed together.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit { for block in blocks { block.deallocate() } }

    func string(_ s: String) -> UnsafePointer<CChar> { UnsafePointer(mutableString(s)) }

    func mutableString(_ s: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        blocks.append(UnsafeMutableRawPointer(p))
        return p
    }

    func stringArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let p = array(of: UnsafeMutablePointer<CChar>?.self, count: strings.count + 1)
        for (i, s) in strings.enumerated() { p[i] = mutableString(s) }
        p[strings.count] = nil
        return p
    }

    func array<T>(of type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        blocks.append(UnsafeMutableRawPointer(p))
        return p
    }

    func bytes(_ data: [UInt8]) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        data.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        blocks.append(p)
        return p
    }
}
