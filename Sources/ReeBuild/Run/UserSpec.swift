import ReeOS

/// `USER name[:group]` resolved to numeric ids with the image's own `/etc/passwd` and `/etc/group`.
public struct UserSpec: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]

    /// Resolves `spec` ("", "root", "1000", "1000:1000", "app:staff") against the merged layers.
    public static func resolve(_ spec: String, lowerLayersTopFirst layers: [String]) throws -> UserSpec {
        if spec.isEmpty { return UserSpec(uid: 0, gid: 0, groups: []) }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let passwd = read("etc/passwd", layers)
        let group = read("etc/group", layers)
        var uid: UInt32
        var gid: UInt32
        if let n = UInt32(parts[0]) {
            uid = n
            if let entry = passwd.first(where: { $0.count > 3 && $0[2] == parts[0] }), let g = UInt32(entry[3]) { gid = g } else { gid = n }
        } else if let entry = passwd.first(where: { $0.first == parts[0] && $0.count > 3 }), let u = UInt32(entry[2]), let g = UInt32(entry[3]) {
            uid = u
            gid = g
        } else {
            throw ReeError(.invalidInput, "unable to find user \(parts[0]): no matching entries in passwd file")
        }
        if parts.count == 2 {
            if let n = UInt32(parts[1]) {
                gid = n
            } else if let entry = group.first(where: { $0.first == parts[1] && $0.count > 2 }), let g = UInt32(entry[2]) {
                gid = g
            } else {
                throw ReeError(.invalidInput, "unable to find group \(parts[1]): no matching entries in group file")
            }
        }
        // Supplementary groups: those that list the user by name.
        let name = passwd.first { $0.count > 2 && $0[2] == String(uid) }?.first
        let extra = name.map { n in group.compactMap { g -> UInt32? in
            guard g.count > 3, g[3].split(separator: ",").contains(Substring(n)) else { return nil }
            return UInt32(g[2])
        } } ?? []
        return UserSpec(uid: uid, gid: gid, groups: extra.filter { $0 != gid })
    }

    private static func read(_ path: String, _ layers: [String]) -> [[String]] {
        for layer in layers {
            if let bytes = try? FileSystem.readFile(layer + "/" + path, limit: 4 << 20) {
                return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
                    $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                }
            }
        }
        return []
    }
}
