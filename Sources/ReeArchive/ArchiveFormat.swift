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
