import ReeLayers
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// Where COPY takes files from: the build context, or another stage's (or image's) layers.
protocol SourceTree {
    /// lstat of `path` (relative to the tree's root), nil when absent.
    func status(_ path: String) throws -> stat?
    func children(_ path: String) throws -> [String]
    func open(_ path: String) throws -> FileDescriptor
    func linkTarget(_ path: String) throws -> String
    /// Expands globs; a plain path must exist.
    func resolve(_ source: String) throws -> [String]
    var name: String { get }
}

extension BuildContext: SourceTree {
    var name: String { "build context" }

    func status(_ path: String) throws -> stat? {
        if !path.isEmpty && isExcluded(path) { return nil }
        guard let fd = try? open(path, O_PATH | O_NOFOLLOW) else { return nil }
        var st = stat()
        try checked("stat", fd.path) { fstat(fd.rawValue, &st) }
        return st
    }

    func children(_ path: String) throws -> [String] {
        let dir = try open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        return try list(dir).filter { name in
            let child = path.isEmpty ? name : path + "/" + name
            return !isExcluded(child) || shouldDescend(child)
        }.sorted()
    }

    func open(_ path: String) throws -> FileDescriptor { try open(path, O_RDONLY | O_NOFOLLOW) }

    func linkTarget(_ path: String) throws -> String {
        let fd = try open(path, O_PATH | O_NOFOLLOW)
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = try checked("read link", fd.path) { readlinkat(fd.rawValue, "", &buffer, 4096) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The merged layers of a stage or image, read through their unpacked cache directories.
struct LayersTree: SourceTree {
    let view: LowerView
    let name: String

    func status(_ path: String) throws -> stat? {
        guard let host = try view.hostPath(Self.clean(path)) else { return nil }
        var st = stat()
        guard lstat(host, &st) == 0 else { return nil }
        return st
    }

    func children(_ path: String) throws -> [String] { try view.children(Self.clean(path)).sorted() }

    func open(_ path: String) throws -> FileDescriptor {
        guard let host = try view.hostPath(Self.clean(path)) else { throw ReeError(.notFound, "'\(path)' not found in \(name)") }
        return try FileDescriptor.open(host, O_RDONLY | O_NOFOLLOW)
    }

    func linkTarget(_ path: String) throws -> String {
        guard let host = try view.hostPath(Self.clean(path)) else { throw ReeError(.notFound, "'\(path)' not found in \(name)") }
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = try checked("read link", host) { readlink(host, &buffer, 4096) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func resolve(_ source: String) throws -> [String] {
        let cleaned = Self.clean(source)
        guard cleaned.contains(where: { "*?[".contains($0) }) else {
            guard try status(cleaned) != nil else { throw ReeError(.notFound, "COPY failed: '\(source)' not found in \(name)") }
            return [cleaned]
        }
        var candidates = [""]
        for component in cleaned.split(separator: "/").map(String.init) {
            candidates = try candidates.flatMap { base in
                try children(base).filter { fnmatch(component, $0, FNM_PERIOD) == 0 }.map { base.isEmpty ? $0 : base + "/" + $0 }
            }
        }
        guard !candidates.isEmpty else { throw ReeError(.notFound, "COPY failed: no source files were specified by '\(source)'") }
        return candidates.sorted()
    }

    /// Absolute or relative, `..` clamped at the root (as inside the image).
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}
