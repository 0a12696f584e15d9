import ReeLayers
import ReeOCI
import ReeOS

/// Makes the SBOMs of a stored image: catalogs the merged view of its unpacked layers in place,
/// then writes CycloneDX and SPDX. Deterministic: the same image gives the same bytes.
public struct SBOMGenerator: Sendable {
    public let store: ImageStore
    public var tool: SBOMTool
    public var configuration: Cataloger.Configuration

    public init(store: ImageStore, tool: SBOMTool = SBOMTool(version: "0.1.0"), configuration: Cataloger.Configuration = .init()) {
        self.store = store
        self.tool = tool
        self.configuration = configuration
    }

    /// The SBOMs of `image` (its layers are unpacked into the layer cache if they are not yet).
    public func generate(image: NamedImage, baseImages: [SBOMBaseImage] = []) throws -> SBOMDocuments {
        let manifest = try store.manifest(of: image)
        let config = try store.config(of: manifest)
        let root = try LayeredRootFileSystem(image: image, store: store)
        let subject = SBOMSubject(name: image.name.rawValue, digest: image.manifest.digest, created: config.created,
                                  architecture: config.architecture, baseImages: baseImages)
        return try generate(root: root, subject: subject)
    }

    /// The SBOMs of any root filesystem (a flattened directory, crafted trees in tests).
    public func generate(root: some RootFileSystem, subject: SBOMSubject) throws -> SBOMDocuments {
        try Self.documents(for: Cataloger(configuration: configuration).catalog(root), subject: subject, tool: tool)
    }

    /// Writes both documents for an already made catalog.
    public static func documents(for catalog: Catalog, subject: SBOMSubject, tool: SBOMTool) throws -> SBOMDocuments {
        SBOMDocuments(cycloneDX: try CycloneDXWriter.document(catalog, subject: subject, tool: tool),
                      spdx: try SPDXWriter.document(catalog, subject: subject, tool: tool),
                      catalog: catalog)
    }

    /// Where the SBOMs of an image written to `archivePath` go: `app.tar` → `app.cdx.json` and
    /// `app.spdx.json` beside it (a name without `.tar` keeps its whole name before the suffix).
    public static func path(besideArchive archivePath: String, format: SBOMFormat) -> String {
        let base = archivePath.hasSuffix(".tar") ? String(archivePath.dropLast(4)) : archivePath
        return base + format.fileSuffix
    }
}
