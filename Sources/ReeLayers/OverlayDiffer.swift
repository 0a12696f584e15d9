import ReeOS

/// Reads a step's changes from its overlayfs upper directory: the fast path.
///
/// Whiteouts (0/0 devices or xattr-marked files) become `.wh.` entries for paths that exist
/// below; an opaque directory becomes explicit whiteouts of the lower children it hides, so the
/// result equals what `WalkingDiffer` finds for the same change. Files that were only copied up
/// (opened for writing, chmod to the same mode) and equal their lower version are left out.
public struct OverlayDiffer {
    public let upper: String
    public let lower: LowerView
    public var ids: OwnerMapping
    public var epoch: Int64?

    public init(upper: String, lowerLayersTopFirst: [String], ids: OwnerMapping = .identity, epoch: Int64?) {
        self.upper = upper
        self.lower = LowerView(layersTopFirst: lowerLayersTopFirst)
        self.ids = ids
        self.epoch = epoch
    }

    public func changes() throws -> ChangeSet {
        let set = ChangeSet(ids: ids, epoch: epoch)
        try walk("", set: set)
        try set.addParents(from: upper)
        return set
    }

    private func walk(_ directory: String, set: ChangeSet) throws {
        let hostDir = directory.isEmpty ? upper : upper + "/" + directory
        let names = try FileSystem.listDirectory(hostDir)
        for name in names {
            let path = directory.isEmpty ? name : directory + "/" + name
            guard let node = try FileNode(upper + "/" + path) else { continue }
            if node.hasRedirect {
                throw ReeError(.unsupported, "failed to export '\(upper)/\(path)': overlay redirect_dir is in use; mount with redirect_dir=off")
            }
            if node.isWhiteout {
                if try lower.lookup(path) != nil { set.addWhiteout(path) }
                continue
            }
            let below = try lower.lookup(path)
            if node.isDirectory {
                if try !ChangeSet.same(node, below, ids: ids, epoch: epoch) { set.add(path, node) }
                if node.isOpaque, let below, below.isDirectory {
                    let present = Set(names: try FileSystem.listDirectory(upper + "/" + path))
                    for hidden in try lower.children(path) where !present.contains(hidden) {
                        set.addWhiteout(path + "/" + hidden)
                    }
                }
                try walk(path, set: set)
            } else if try !ChangeSet.same(node, below, ids: ids, epoch: epoch) {
                set.add(path, node)
            }
        }
    }
}

extension Set where Element == String {
    init(names: [String]) { self.init(names) }
}
