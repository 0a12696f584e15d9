/// One `RUN --mount=type=...,target=...` specification.
public struct RunMount: Sendable, Equatable {
    /// The mount types ree supports.
    public enum MountType: String, Sendable, Equatable, CaseIterable {
        /// A directory or file from the build context or another stage, read-only by default.
        case bind
        /// A persistent cache directory shared between builds.
        case cache
        /// An empty in-memory file system.
        case tmpfs
    }

    /// How concurrent builds share a cache mount.
    public enum Sharing: String, Sendable, Equatable, CaseIterable {
        /// Several writers at once.
        case shared
        /// A new copy for each concurrent writer.
        case `private`
        /// One writer at a time; others wait.
        case locked
    }

    /// The mount type (default `bind`).
    public var type: MountType
    /// Where the mount appears in the container.
    public var target: String?
    /// The path inside `from` (or the build context) to mount.
    public var source: String?
    /// The stage or image to mount from.
    public var from: String?
    /// The cache identifier (default: the target).
    public var id: String?
    /// The cache sharing mode (default `shared` for caches).
    public var sharing: Sharing?
    /// The permission bits of a new cache directory (octal in the Dockerfile).
    public var mode: UInt32?
    /// The owner of a new cache directory.
    public var uid: UInt32?
    /// The group of a new cache directory.
    public var gid: UInt32?
    /// Whether the mount is read-only (bind mounts are, unless `rw`).
    public var readOnly: Bool
    /// The size limit of a tmpfs mount in bytes.
    public var size: Int64?
    /// The `--mount` value as written, kept so it can be re-read after variable expansion.
    public var specification: String

    /// Creates a mount specification.
    public init(
        type: MountType = .bind, target: String? = nil, source: String? = nil, from: String? = nil,
        id: String? = nil, sharing: Sharing? = nil, mode: UInt32? = nil, uid: UInt32? = nil,
        gid: UInt32? = nil, readOnly: Bool? = nil, size: Int64? = nil, specification: String = ""
    ) {
        self.type = type
        self.target = target
        self.source = source
        self.from = from
        self.id = id
        self.sharing = sharing
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.readOnly = readOnly ?? (type == .bind)
        self.size = size
        self.specification = specification
    }

    /// The cache key BuildKit uses: `id`, or the cleaned target when no `id` is given.
    public var cacheID: String {
        if let id, !id.isEmpty { return id }
        return PathCleaning.clean(target ?? "")
    }
}
