import ArgumentParser
import ReeArchive

/// `gzip`, `gzip:LEVEL`, `zstd` or `zstd:LEVEL` on the command line.
struct CompressionOption: ExpressibleByArgument {
    let value: ArchiveCompression

    init(_ value: ArchiveCompression) { self.value = value }

    static let gzip = CompressionOption(.layerDefault)

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        let level = parts.count == 2 ? Int(parts[1]) : nil
        if parts.count == 2 && level == nil { return nil }
        switch parts[0] {
        case "gzip":
            let gzipLevel = level ?? ArchiveCompression.defaultGzipLevel
            guard gzipLevel >= 1 && gzipLevel <= 9 else { return nil }
            value = .gzip(level: gzipLevel)
        case "zstd":
            guard (level ?? 3) >= 1 && (level ?? 3) <= 19 else { return nil }
            value = .zstd(level: level ?? 3)
        default:
            return nil
        }
    }

    static let help: ArgumentHelp = "Layer compression: gzip[:1-9] (default gzip:4) or zstd[:1-19] (default zstd:3)."
}
