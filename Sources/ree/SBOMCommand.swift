import ArgumentParser
import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeSBOM

extension SBOMFormat: ExpressibleByArgument {}

/// `ree sbom IMAGE|IMAGE.tar`: the packages in an image as CycloneDX 1.6 or SPDX 2.3 JSON;
/// `ree sbom define PROJECT`: the SBOM strategy. `show` is the default, so `ree sbom IMAGE` works.
struct SBOMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbom",
        abstract: "Print the SBOM of a stored image or an image tarball (CycloneDX 1.6 or SPDX 2.3 JSON); define an REE by pinning.",
        subcommands: [Show.self, Define.self],
        defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SBOM of a stored image or an image tarball (CycloneDX 1.6 or SPDX 2.3 JSON).")

        @Argument(help: "A stored image's name, or an oci-archive / docker-archive tar file.") var image: String
        @Option(help: "cyclonedx or spdx.") var format: SBOMFormat = .cyclonedx
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            let documents = try SBOMCommand.generate(image)
            for warning in documents.warnings { Context.log("warning: could not read \(warning)") }
            let bytes = format == .cyclonedx ? documents.cycloneDX : documents.spdx
            if let output {
                try FileSystem.writeAtomically(output, bytes)
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }

    /// A path to a regular file is imported into a temporary store first; anything else is a stored image's name.
    static func generate(_ image: String) throws -> SBOMDocuments {
        let tool = SBOMTool(version: ReeVersion.current)
        guard FileSystem.isRegularFile(image) else {
            let store = try Context().store
            return try SBOMGenerator(store: store, tool: tool).generate(image: store.resolve(image))
        }
        let scratch = try FileSystem.makeTemporaryDirectory(in: NSTemporaryDirectory(), prefix: "ree-sbom-")
        defer { try? FileSystem.removeTree(scratch) }
        let store = try ImageStore(home: scratch)
        let imported: NamedImage
        do {
            imported = try store.importArchive(image, name: nil)
        } catch let error as ReeError where error.code == .invalidInput && error.message.contains("names no image") {
            imported = try store.importArchive(image, name: ImageName("image"))
        }
        return try SBOMGenerator(store: store, tool: tool).generate(image: imported)
    }
}

extension SBOMCommand {
    /// `ree build -o app.tar` also writes `app.cdx.json` and `app.spdx.json` beside it.
    static func write(for result: BuildResult, store: ImageStore, besideArchive archive: String) throws {
        let bases = result.baseImages.map { SBOMBaseImage(name: $0.name, digest: $0.digest) }
        let documents = try SBOMGenerator(store: store, tool: SBOMTool(version: ReeVersion.current))
            .generate(image: result.image, baseImages: bases)
        for warning in documents.warnings { Context.log("warning: SBOM: could not read \(warning)") }
        for format in SBOMFormat.allCases {
            let path = SBOMGenerator.path(besideArchive: archive, format: format)
            try FileSystem.writeAtomically(path, format == .cyclonedx ? documents.cycloneDX : documents.spdx)
            Context.log("wrote \(path) (\(documents.packages.count) packages)")
        }
    }
}

private extension FileSystem {
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & FileType.mask) == FileType.regular
    }
}
