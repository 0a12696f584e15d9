import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The merged view of unpacked layers (topmost first), as overlayfs would show it: a 0/0
/// character device hides a path, an opaque directory hides everything below it.
public struct LowerView {
    public let layers: [String]

    public init(layersTopFirst: [String]) { layers = layersTopFirst }

    /// The host path that shows at `path` (relative, "" is the root), or nil.
    public func hostPath(_ path: String) throws -> String? { try lookup(path)?.hostPath }

    /// The host path that shows at `path` (relative, "" is the root), or nil.
    func lookup(_ path: String) throws -> FileNode? {
        if path.isEmpty { return try layers.first.flatMap { try FileNode($0) } }
        let parts = path.split(separator: "/").map(String.init)
        layerLoop: for layer in layers {
            // An opaque or non-directory ancestor in this layer ends the search.
            var prefix = layer
            for component in parts.dropLast() {
                prefix += "/" + component
                guard let node = try FileNode(prefix) else { continue layerLoop }
                if node.isWhiteout || !node.isDirectory { return nil }
                if node.isOpaque {
                    // Everything below this directory comes from this layer or above.
                    let full = layer + "/" + path
                    guard let found = try FileNode(full) else { return nil }
                    return found.isWhiteout ? nil : found
                }
            }
            if let node = try FileNode(layer + "/" + path) {
                return node.isWhiteout ? nil : node
            }
        }
        return nil
    }

    /// Names visible in directory `path`.
    public func children(_ path: String) throws -> Set<String> {
        var names = Set<String>()
        var hidden = Set<String>()
        for layer in layers {
            let dir = path.isEmpty ? layer : layer + "/" + path
            guard let node = try FileNode(dir), node.isDirectory else {
                if try FileNode(dir) != nil { break }  // a file or whiteout here hides lower layers
                continue
            }
            for name in try FileSystem.listDirectory(dir) where !hidden.contains(name) && !names.contains(name) {
                if let child = try FileNode(dir + "/" + name), child.isWhiteout {
                    hidden.insert(name)
                } else {
                    names.insert(name)
                }
            }
            if node.isOpaque { break }
        }
        return names
    }
}
