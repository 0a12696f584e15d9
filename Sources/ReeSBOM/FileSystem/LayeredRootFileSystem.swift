import ReeLayers
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The merged view of unpacked layers, read in place (no copy): the same rules as `LowerView`
/// (a 0/0 character device hides a path, an opaque directory hides what lies below it), but a
/// directory remembers which layer directories make it up, so a walk over the whole tree costs
/// one `readdir` per layer directory rather than a lookup from the root per file.
public final class LayeredRootFileSystem: RootFileSystem {
    /// Unpacked layer directories, topmost first.
    public let layers: [String]
    /// Directory path → the host directories that show in it, topmost first.
    private var merged: [String: [String]] = [:]

    public init(layersTopFirst: [String]) {
        layers = layersTopFirst
        merged[""] = layersTopFirst
    }

    /// The merged root of `image`'s layers, unpacking those not in the layer cache yet.
    public convenience init(image: NamedImage, store: ImageStore) throws {
        self.init(layersTopFirst: try LayerCache(store: store).unpackedLayers(of: image).reversed())
    }

    public func entries(_ path: String) throws -> [RootEntry] {
        guard let sources = try directorySources(path) else { return [] }
        var seen: [String: RootEntry.Kind] = [:]
        var hidden = Set<String>()
        for dir in sources {
            guard let list = try HostDirectory.entries(dir) else { continue }
            for entry in list where seen[entry.name] == nil && !hidden.contains(entry.name) {
                if entry.kind == .other, try isWhiteout(dir + "/" + entry.name) {
                    hidden.insert(entry.name)
                } else {
                    seen[entry.name] = entry.kind
                }
            }
        }
        return seen.map { RootEntry(name: $0.key, kind: $0.value) }.sorted { $0.name < $1.name }
    }

    public func kind(_ path: String) throws -> RootEntry.Kind? {
        try hostPath(path).map { try HostDirectory.kind($0) ?? .other }
    }

    public func linkTarget(_ path: String) throws -> String {
        guard let host = try hostPath(path) else { throw ReeError(.notFound, "failed to read link '/\(path)': no such file") }
        return try HostDirectory.linkTarget(host)
    }

    public func contents(_ path: String, limit: Int) throws -> [UInt8] {
        guard let host = try hostPath(path) else { throw ReeError(.notFound, "failed to read '/\(path)': no such file") }
        return try HostDirectory.read(host, limit: limit)
    }

    /// The host path that shows at `path`, or nil.
    func hostPath(_ path: String) throws -> String? {
        if path.isEmpty { return layers.first }
        let (parent, name) = split(path)
        guard let sources = try directorySources(parent) else { return nil }
        for dir in sources {
            let candidate = dir + "/" + name
            guard let kind = try HostDirectory.kind(candidate) else { continue }
            if kind == .other, try isWhiteout(candidate) { return nil }
            return candidate
        }
        return nil
    }

    /// The host directories that make up directory `path`, topmost first; nil when `path` is not
    /// a directory in the merged view.
    private func directorySources(_ path: String) throws -> [String]? {
        if let known = merged[path] { return known.isEmpty ? nil : known }
        let (parent, name) = split(path)
        var result: [String] = []
        if let above = try directorySources(parent) {
            for dir in above {
                let candidate = dir + "/" + name
                guard let kind = try HostDirectory.kind(candidate) else { continue }
                // The topmost thing that is not a directory (a file, a whiteout) hides everything lower.
                guard kind == .directory else { break }
                result.append(candidate)
                if isOpaque(candidate) { break }
            }
        }
        merged[path] = result
        return result.isEmpty ? nil : result
    }

    private func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private func isWhiteout(_ hostPath: String) throws -> Bool {
        var st = stat()
        guard lstat(hostPath, &st) == 0 else { return false }
        return (st.st_mode & FileType.mask) == FileType.characterDevice && st.st_rdev == 0
    }

    private func isOpaque(_ hostPath: String) -> Bool {
        for name in ["user.overlay.opaque", "trusted.overlay.opaque"] {
            if let value = (try? ExtendedAttributes.get(hostPath, name)) ?? nil, value == Array("y".utf8) { return true }
        }
        return false
    }
}
