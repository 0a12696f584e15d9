import ReeOCI
import ReeOS
import ReeSBOM

/// The two SBOMs of a built image, as files: what a define puts in the REE under `sbom/` and a
/// build puts in its output beside `image.tar`.
enum ImageSBOMs {
    static let names = ["image.cdx.json", "image.spdx.json"]

    /// Writes `image.cdx.json` and `image.spdx.json` into `directory`; returns their paths and the packages.
    static func write(image: NamedImage, baseImages: [BaseImageReference], store: ImageStore, into directory: String, log: BuildLog) throws -> (paths: [String], packages: [Package]) {
        let documents = try SBOMGenerator(store: store).generate(
            image: image, baseImages: baseImages.map { SBOMBaseImage(name: $0.name, digest: $0.digest) })
        for warning in documents.warnings { log.line("sbom: warning: \(warning)") }
        try FileSystem.createDirectory(directory)
        let paths = names.map { directory + "/" + $0 }
        try FileSystem.writeAtomically(paths[0], documents.cycloneDX)
        try FileSystem.writeAtomically(paths[1], documents.spdx)
        log.line("sbom: \(documents.packages.count) packages")
        return (paths, documents.packages)
    }
}
