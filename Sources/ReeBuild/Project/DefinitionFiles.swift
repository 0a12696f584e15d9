import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The parts every REE define shares, whatever its strategy: the project read as a ZIP carries it,
/// the base images listed (and embedded when asked), and the REE ZIP written whole or not at all.
enum DefinitionFiles {
    /// Unpacks `project` (a directory or a ZIP) into `work/context` through a ZIP, so the build reads
    /// the project exactly as a later build of the REE will, and checks that the Dockerfile is there.
    static func prepareContext(project: String, dockerfile: String, limits: ProjectArchive.Limits, sourceDateEpoch: Int64,
                               work: String, log: BuildLog, label: String) throws -> String {
        let projectZip: String
        if FileSystem.isDirectory(project) {
            projectZip = work + "/project.zip"
            let zip = try ZipBuilder(path: projectZip, mtime: sourceDateEpoch)
            try zip.addTree(project, prefix: ".")
            try zip.finish()
        } else {
            projectZip = project
        }
        let context = work + "/context"
        try FileSystem.createDirectory(context)
        log.line("\(label): unpacking the project (at most \(limits.maxEntries) entries, \(limits.maxTotalBytes) bytes)")
        let unpacked = try ProjectArchive.unpack(zip: projectZip, to: context, limits: limits)
        log.line("\(label): unpacked \(unpacked.files) files, \(unpacked.directories) directories, \(unpacked.symlinks) symlinks, \(unpacked.bytes) bytes")
        try ProjectArchive.requireRegularFile(dockerfile, in: context, what: "the Dockerfile")
        log.line("\(label): found the Dockerfile '\(dockerfile)'")
        return context
    }

    /// Every base image the build used, once, by name; with `embed`, each exported into `work`.
    /// Returns the ree.json entries and the (path in the ZIP, file) pairs to add.
    static func baseImages(of result: BuildResult, embed: Bool, store: ImageStore, work: String) throws
        -> (images: [REEManifest.BaseImage], files: [(path: String, file: String)]) {
        var images: [REEManifest.BaseImage] = []
        var files: [(path: String, file: String)] = []
        for base in result.baseImages.sorted(by: { $0.name < $1.name }) where !images.contains(where: { $0.name == base.name }) {
            var archive: String?
            if embed {
                let file = work + "/base-\(images.count).tar"
                try store.exportArchive(base.name, toPath: file)
                let path = "base/\(fileName(for: base.name)).tar"
                files.append((path, file))
                archive = path
            }
            images.append(.init(name: base.name, digest: base.digest.description, archive: archive))
        }
        return (images, files)
    }

    /// Writes the REE ZIP at `output` through a temporary file renamed into place: a failed define
    /// leaves no partial REE.
    static func writeZip(_ output: String, mtime: Int64, _ body: (ZipBuilder) throws -> Void) throws {
        let temporary = output + ".tmp-\(getpid())"
        do {
            let zip = try ZipBuilder(path: temporary, mtime: mtime)
            try body(zip)
            try zip.finish()
            guard rename(temporary, output) == 0 else { throw ReeError.system("rename", output) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// An image name as a file name.
    static func fileName(for image: String) -> String {
        String(image.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
