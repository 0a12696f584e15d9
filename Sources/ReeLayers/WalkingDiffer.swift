import ReeOS

/// Compares a whole new tree with the lower layers: the fallback where overlayfs cannot be
/// used (the step ran in a copy), and a cross-check of `OverlayDiffer` in tests.
public struct WalkingDiffer {
    public let tree: String
    public let lower: LowerView
    public var ids: OwnerMapping
    public var epoch: Int64?

    public init(tree: String, lowerLayersTopFirst: [String], ids: OwnerMapping = .identity, epoch: Int64?) {
        self.tree = tree
        self.lower = LowerView(layersTopFirst: lowerLayersTopFirst)
        self.ids = ids
        self.epoch = epoch
    }

    public func changes() throws -> ChangeSet {
        let set = ChangeSet(ids: ids, epoch: epoch)
        try walk("", set: set)
        try set.addParents(from: tree)
        return set
    }

    private func walk(_ directory: String, set: ChangeSet) throws {
        let hostDir = directory.isEmpty ? tree : tree + "/" + directory
        let present = try FileSystem.listDirectory(hostDir)
        let presentSet = Set(present)
        // Deleted below: one whiteout for the topmost missing path.
        if (try lower.lookup(directory))?.isDirectory == true {
            for name in try lower.children(directory) where !presentSet.contains(name) {
                set.addWhiteout(directory.isEmpty ? name : directory + "/" + name)
            }
        }
        for name in present {
            let path = directory.isEmpty ? name : directory + "/" + name
            guard let node = try FileNode(tree + "/" + path) else { continue }
            let below = try lower.lookup(path)
            if node.isDirectory {
                if try !ChangeSet.same(node, below, ids: ids, epoch: epoch) { set.add(path, node) }
                try walk(path, set: set)
            } else if try !ChangeSet.same(node, below, ids: ids, epoch: epoch) {
                set.add(path, node)
            }
        }
    }
}
