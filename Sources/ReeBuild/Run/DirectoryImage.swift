import ReeArchive
import ReeLayers
import ReeOCI
import ReeOS

/// A one-layer image from a directory tree: every file, in one pass (walk, tar, hash, compress).
public enum DirectoryImage {
    public static func commit(_ directory: String, name: ImageName, store: ImageStore, compression: ArchiveCompression,
                              epoch: Int64, config: ContainerConfig = ContainerConfig()) throws -> NamedImage {
        guard FileSystem.isDirectory(directory) else { throw ReeError(.notFound, "'\(directory)' is not a directory") }
        let changes = try WalkingDiffer(tree: directory, lowerLayersTopFirst: [], epoch: epoch).changes()
        let layer = try changes.commit(to: store.blobs, compression: compression)
        let created = Timestamp.rfc3339(epoch)
        var image = ImageConfig(config: config, rootfs: .init(diffIDs: [layer.diffID]))
        image.created = created
        image.history = [.init(created: created, createdBy: "ree image commit", comment: "ree")]
        let descriptor = try store.writeImage(name: name, config: image, layers: [layer.descriptor])
        return NamedImage(name: name, manifest: descriptor)
    }
}
