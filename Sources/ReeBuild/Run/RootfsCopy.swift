import ReeArchive
import ReeLayers
import ReeOCI
import ReeOS

/// An image's layers applied one after another into a plain directory: the root filesystem
/// where overlayfs is not available, and the tree SBOM catalogers read.
public enum RootfsCopy {
    public static func flatten(image: NamedImage, store: ImageStore, into directory: String) throws {
        try FileSystem.createDirectory(directory)
        let manifest = try store.manifest(of: image)
        for layer in manifest.layers {
            let verified = try store.blobs.open(layer.digest, expectedSize: layer.size)
            let reader = try ArchiveReader(source: verified, name: "layer \(layer.digest)")
            try LayerUnpacker(whiteouts: .apply).apply(reader, to: directory)
        }
    }
}
