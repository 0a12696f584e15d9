import ReeArchive
import ReeOCI
import ReeOS

/// A layer blob in the store with the digest of its uncompressed tar.
public struct CommittedLayer: Hashable, Sendable {
    public let descriptor: Descriptor
    public let diffID: Digest
}

/// One pass from tar entries to a stored layer: the deterministic tar is hashed (the diff id),
/// compressed and hashed again (the blob digest) as it is written, with no second read.
public final class LayerStream {
    public let tar: ArchiveWriter
    private let uncompressed: DigestingSink
    private let compressor: CompressingSink?
    private let blob: BlobWriter
    private let compression: ArchiveCompression

    public init(store: BlobStore, compression: ArchiveCompression = .layerDefault, epoch: Int64?) throws {
        self.compression = compression
        blob = try store.makeWriter()
        if compression == .none {
            compressor = nil
            uncompressed = DigestingSink(blob)
        } else {
            let c = try CompressingSink(compression, next: blob, name: "layer")
            compressor = c
            uncompressed = DigestingSink(c)
        }
        tar = try ArchiveWriter(sink: uncompressed, name: "layer", options: .deterministic(compression: .none, epoch: epoch))
    }

    public func finish() throws -> CommittedLayer {
        try tar.finish()
        try compressor?.finish()
        let diffID = try Digest(sha256Hex: uncompressed.finalizeHex())
        let stored = try blob.commit(name: "layer")
        let mediaType: MediaType
        switch compression {
        case .none: mediaType = .ociLayer
        case .gzip: mediaType = .ociLayerGzip
        case .zstd: mediaType = .ociLayerZstd
        }
        return CommittedLayer(descriptor: Descriptor(mediaType: mediaType, digest: stored.digest, size: stored.size), diffID: diffID)
    }
}
