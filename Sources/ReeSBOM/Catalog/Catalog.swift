/// What the catalogers found in one root filesystem.
public struct Catalog: Sendable, Hashable {
    public var os: OSRelease?
    /// Sorted by ecosystem, name, version, location.
    public var packages: [Package]
    /// Files that could not be read, or only in part; sorted.
    public var unreadable: [UnreadableFile]

    public init(os: OSRelease?, packages: [Package], unreadable: [UnreadableFile]) {
        self.os = os
        self.packages = packages
        self.unreadable = unreadable
    }
}
