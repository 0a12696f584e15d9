/// What to run in the sandbox and how: one `RUN` step, or one `ree run`.
public struct SandboxConfiguration: Sendable {
    /// The root filesystem.
    public enum Root: Sendable, Equatable {
        /// An overlay mounted inside the user namespace: `lower` top-most first (may be empty),
        /// `upper` and `work` belong to the step; the caller keeps `upper` to turn it into a layer.
        case overlay(lower: [String], upper: String, work: String)
        /// A read-write bind of an existing tree (the copy fallback where overlay cannot be mounted).
        case directory(String)
    }

    /// How ids are mapped into the user namespace.
    public enum UserNamespaceMode: String, Sendable, CaseIterable {
        /// `full` when we are root or `newuidmap` and a subordinate id range of 65535 ids exist, else `single`.
        case auto
        /// uid/gid 0...65535 mapped: written directly as root, through `newuidmap`/`newgidmap` otherwise.
        case full
        /// Only our own uid/gid, mapped to 0; a seccomp filter makes ownership and identity calls succeed
        /// without effect (the Charliecloud way).
        case single
    }

    /// A bind mount of a host path into the root. A `target` missing in the root does not land in the
    /// upper directory: in overlay mode it comes from a step-private stub lower layer, in directory mode
    /// it is created before the step and removed after it.
    public struct Mount: Sendable, Equatable {
        public var source: String
        public var target: String
        public var readOnly: Bool

        public init(source: String, target: String, readOnly: Bool = true) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
        }
    }

    public struct Limits: Sendable, Equatable {
        /// Wall-clock limit; at it the whole process tree is killed.
        public var timeout: Duration?
        /// RLIMIT_NPROC of the command: counted per user inside the sandbox's user namespace.
        public var maxProcesses: Int
        /// RLIMIT_NOFILE.
        public var maxOpenFiles: Int
        /// RLIMIT_FSIZE in bytes.
        public var maxFileSize: Int64?
        /// memory.max of a child cgroup, where a delegated cgroup v2 with the memory controller exists.
        public var memoryBytes: Int64?

        public init(timeout: Duration? = nil, maxProcesses: Int = 4096, maxOpenFiles: Int = 65536,
                    maxFileSize: Int64? = nil, memoryBytes: Int64? = nil) {
            self.timeout = timeout
            self.maxProcesses = maxProcesses
            self.maxOpenFiles = maxOpenFiles
            self.maxFileSize = maxFileSize
            self.memoryBytes = memoryBytes
        }
    }

    public var root: Root
    public var argv: [String]
    /// "NAME=value" entries, exactly as the command sees them.
    public var environment: [String]
    /// Absolute; created when missing (like Docker's WORKDIR), resolved inside the root.
    public var workingDirectory: String
    /// The user and groups the command runs as. In single mode only 0 exists: any other id runs as 0
    /// and the result carries a note.
    public var uid: UInt32
    public var gid: UInt32
    public var supplementaryGroups: [UInt32]
    public var userNamespace: UserNamespaceMode
    public var hostname: String
    public var mounts: [Mount]
    public var limits: Limits
    /// A TCP port on 127.0.0.1 inside the sandbox to listen on; the listening descriptor is handed to
    /// the `listener` callback of `Sandbox.run` before the command starts.
    public var listenPort: UInt16?
    /// Binds a file with `APT::Sandbox::User "root";` over `/etc/apt/apt.conf.d/00ree-sandbox` for the step
    /// (apt cannot drop to `_apt` in single mode). `nil`: only in single mode.
    public var aptSandboxRoot: Bool?

    public init(root: Root, argv: [String],
                environment: [String] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                workingDirectory: String = "/", uid: UInt32 = 0, gid: UInt32 = 0, supplementaryGroups: [UInt32] = [],
                userNamespace: UserNamespaceMode = .auto, hostname: String = "ree", mounts: [Mount] = [],
                limits: Limits = Limits(), listenPort: UInt16? = nil, aptSandboxRoot: Bool? = nil) {
        self.root = root
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.uid = uid
        self.gid = gid
        self.supplementaryGroups = supplementaryGroups
        self.userNamespace = userNamespace
        self.hostname = hostname
        self.mounts = mounts
        self.limits = limits
        self.listenPort = listenPort
        self.aptSandboxRoot = aptSandboxRoot
    }
}

/// Where the command's standard output and error go.
public enum SandboxOutput: Sendable {
    public enum Stream: Sendable { case stdout, stderr }
    /// The caller's own descriptors 0, 1 and 2 (for `ree run`).
    case inherit
    /// Pipes read on a dedicated thread; chunks are delivered as they come (for the build log).
    /// Standard input is /dev/null.
    case capture(@Sendable (Stream, [UInt8]) -> Void)
    /// /dev/null for all three.
    case discard
}

public struct SandboxResult: Sendable, Equatable {
    public enum RootMode: String, Sendable { case overlay, directory }
    public enum IDMode: String, Sendable { case full, single }

    /// The command's exit code, when it exited.
    public var exitCode: Int32?
    /// The signal that ended the command, when one did.
    public var signal: Int32?
    /// The time limit was hit and the process tree was killed.
    public var timedOut: Bool
    public var rootMode: RootMode
    public var idMode: IDMode
    /// Things the caller should log: a limit that could not be applied, an id mapped to 0.
    public var notes: [String]
    /// How ids inside the sandbox map to host ids (as in /proc/PID/uid_map): what a layer exporter needs to
    /// turn the owners of files in the upper directory back into the ids the command saw.
    public var uidMap: [IDRange] = []
    public var gidMap: [IDRange] = []

    /// Exited with 0.
    public var succeeded: Bool { exitCode == 0 }

    public init(exitCode: Int32?, signal: Int32?, timedOut: Bool, rootMode: RootMode, idMode: IDMode, notes: [String] = [],
                uidMap: [IDRange] = [], gidMap: [IDRange] = []) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.rootMode = rootMode
        self.idMode = idMode
        self.notes = notes
        self.uidMap = uidMap
        self.gidMap = gidMap
    }
}

/// `count` ids from `inside` in the sandbox are `outside` and up on the host.
public struct IDRange: Sendable, Equatable {
    public var inside: UInt32
    public var outside: UInt32
    public var count: UInt32

    public init(inside: UInt32, outside: UInt32, count: UInt32) {
        self.inside = inside
        self.outside = outside
        self.count = count
    }

    /// The id inside the sandbox of a host id, when this range maps it.
    public func inside(ofHost id: UInt32) -> UInt32? {
        id >= outside && id - outside < count ? inside + (id - outside) : nil
    }
}
