/// The container formats ree reads and writes.
public enum ArchiveFormat: Sendable, Equatable {
    /// POSIX pax (ustar with pax extended headers where needed): what OCI layers use.
    case pax
    case zip
}

/// Stream compression around a tar.
public enum ArchiveCompression: Sendable, Equatable {
    case none
    case gzip(level: Int = 6)
    case zstd(level: Int = 3)

    /// The layers' compression unless a user picks one: gzip, which every registry and runtime reads,
    /// at libdeflate's level 4: layers about 4 % smaller than Go's default gzip (umoci, buildah) for
    /// two thirds of level 6's CPU time (figures in docs/performance.md).
    public static let defaultGzipLevel = 4
    public static let layerDefault = ArchiveCompression.gzip(level: defaultGzipLevel)
}

/// How the writer treats modification times.
public enum MtimePolicy: Sendable, Equatable {
    case keep
    /// Times later than the epoch become the epoch (`SOURCE_DATE_EPOCH` semantics).
    case clamp(Int64)
    /// Every entry gets this time.
    case fixed(Int64)

    func apply(_ t: Int64) -> Int64 {
        switch self {
        case .keep: return t
        case .clamp(let e): return min(t, e)
        case .fixed(let e): return e
        }
    }
}
