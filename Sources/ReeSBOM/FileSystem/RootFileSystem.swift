import ReeOS

/// What a cataloger may ask of an image's root filesystem. Paths are relative to the root
/// ("" is the root, "var/lib/dpkg/status" a file) and name no symlink above their last component:
/// `resolve(_:)` turns any path into such a path, following symlinks without leaving the root.
public protocol RootFileSystem {
    /// The entries of the directory at `path`, sorted by name; empty when it is not a directory.
    func entries(_ path: String) throws -> [RootEntry]
    /// The kind of what is at `path` itself (a symlink is not followed), nil when nothing is.
    func kind(_ path: String) throws -> RootEntry.Kind?
    /// The target of the symlink at `path`.
    func linkTarget(_ path: String) throws -> String
    /// The bytes of the regular file at `path`, at most `limit` of them.
    func contents(_ path: String, limit: Int) throws -> [UInt8]
}

/// One name in a directory of a root filesystem.
public struct RootEntry: Hashable, Sendable {
    public enum Kind: Sendable { case regular, directory, symlink, other }
    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

extension RootFileSystem {
    /// `path` with every symlink followed inside the root (".." stops at the root, as in a
    /// chroot), or nil when a component is missing or the links loop.
    public func resolve(_ path: String) throws -> String? {
        var pending = components(path)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == ".." { _ = resolved.popLast(); continue }
            let candidate = (resolved + [name]).joined(separator: "/")
            guard let kind = try kind(candidate) else { return nil }
            if kind == .symlink {
                hops += 1
                if hops > 40 { return nil }
                let target = try linkTarget(candidate)
                if target.hasPrefix("/") { resolved = [] }
                pending = components(target) + pending
            } else {
                if !pending.isEmpty && kind != .directory { return nil }
                resolved.append(name)
            }
        }
        return resolved.joined(separator: "/")
    }

    /// The regular file at `path` (symlinks followed inside the root), or nil when there is none.
    public func readFile(_ path: String, limit: Int = 64 << 20) throws -> [UInt8]? {
        guard let real = try resolve(path), try kind(real) == .regular else { return nil }
        return try contents(real, limit: limit)
    }

    /// The directory at `path` (symlinks followed inside the root), or nil when there is none.
    public func resolveDirectory(_ path: String) throws -> String? {
        guard let real = try resolve(path) else { return nil }
        if real.isEmpty { return real }
        return try kind(real) == .directory ? real : nil
    }

    private func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }
}

/// Joins a relative directory path and a name.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.isEmpty ? name : directory + "/" + name
}
