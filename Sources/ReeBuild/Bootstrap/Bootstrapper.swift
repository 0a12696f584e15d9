import Foundation
import ReeArchive
import ReeLayers
import ReeOCI
import ReeOS

/// Builds base images from the recipes in `rootfs/`, reproducibly: the same recipe and
/// `SOURCE_DATE_EPOCH` give the same manifest digest (as long as the Debian archive serves the
/// same package versions).
public struct Bootstrapper: Sendable {
    public let store: ImageStore
    public let recipesDirectory: String
    public var compression: ArchiveCompression = .gzip(level: 6)
    private let log: @Sendable (String) -> Void

    public init(store: ImageStore, recipesDirectory: String, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.recipesDirectory = recipesDirectory
        self.log = log
    }

    /// Where recipes are: `$REE_RECIPES`, `share/ree/rootfs` beside the executable's prefix,
    /// or a `rootfs/` folder in a parent of the executable (a source checkout).
    public static func findRecipesDirectory(environment: [String: String], executable: String) -> String? {
        if let dir = environment["REE_RECIPES"], FileSystem.isDirectory(dir) { return dir }
        var dir = FileSystem.parent(of: executable)
        for _ in 0..<6 {
            for candidate in ["\(dir)/share/ree/rootfs", "\(dir)/rootfs"] where FileSystem.exists(candidate + "/busybox/recipe.json") {
                return candidate
            }
            dir = FileSystem.parent(of: dir)
        }
        let cwd = FileManager.default.currentDirectoryPath + "/rootfs"
        return FileSystem.exists(cwd + "/busybox/recipe.json") ? cwd : nil
    }

    public func availableRecipes() -> [String] {
        ((try? FileSystem.listDirectory(recipesDirectory)) ?? [])
            .filter { FileSystem.exists("\(recipesDirectory)/\($0)/recipe.json") }
            .sorted()
    }

    /// Builds the recipe `name` and stores the image under that name.
    @discardableResult
    public func bootstrap(_ name: String, epoch: Int64? = nil) throws -> NamedImage {
        let imageName = try ImageName(name)
        let directory = "\(recipesDirectory)/\(name)"
        guard FileSystem.exists(directory + "/recipe.json") else {
            throw ReeError(.notFound, "no recipe for base image '\(name)'; available: \(availableRecipes().joined(separator: ", "))")
        }
        let recipe = try BaseImageRecipe.load(from: directory)
        let epoch = epoch ?? recipe.epoch
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "bootstrap-")
        defer { try? FileSystem.removeTree(work) }

        let builder = try LayerBuilder(temporaryDirectory: work)
        var createdBy: String
        switch recipe.source {
        case .debs(let packages, let applets):
            try addDebianPackages(packages, to: builder, work: work)
            if applets { try addBusyboxApplets(to: builder, work: work, epoch: epoch) }
            createdBy = "ree bootstrap: unpack \(packages.joined(separator: " "))"
        case .mmdebstrap(let suite, let variant, let include):
            try runMmdebstrap(suite: suite, variant: variant, include: include, epoch: epoch, into: builder, work: work)
            createdBy = "ree bootstrap: mmdebstrap --variant=\(variant) \(suite)" + (include.isEmpty ? "" : " --include=\(include.joined(separator: ","))")
        }
        try addFiles(from: directory + "/files", to: builder, epoch: epoch)
        for path in recipe.exclude ?? [] { builder.remove(path) }

        log("committing layer")
        let layer = try builder.commit(to: store.blobs, compression: compression, epoch: epoch)
        let created = Timestamp.rfc3339(epoch)
        var config = ImageConfig(config: recipe.config ?? ContainerConfig(), rootfs: .init(diffIDs: [layer.diffID]))
        config.created = created
        config.history = [.init(created: created, createdBy: createdBy, comment: "recipe rootfs/\(name)")]
        let descriptor = try store.writeImage(name: imageName, config: config, layers: [layer.descriptor])
        log("stored \(name) as \(descriptor.digest)")
        return NamedImage(name: imageName, manifest: descriptor)
    }

    // MARK: Sources

    private func addDebianPackages(_ packages: [String], to builder: LayerBuilder, work: String) throws {
        log("downloading \(packages.joined(separator: " ")) with apt-get")
        try ProcessRunner.run(["apt-get", "download", "-q"] + packages, directory: work, log: log)
        for file in try FileSystem.listDirectory(work).filter({ $0.hasSuffix(".deb") }).sorted() {
            let deb = try ArchiveReader(path: "\(work)/\(file)", formats: [.ar])
            var found = false
            while let member = try deb.next() {
                guard member.path.hasPrefix("data.tar") else { continue }
                let data = try ArchiveReader(source: ArchiveEntrySource(deb), name: "\(file):\(member.path)")
                try builder.addAll(from: data)
                found = true
            }
            guard found else { throw ReeError(.corrupt, "failed to unpack '\(file)': no data.tar member") }
        }
    }

    /// Links every applet the busybox binary lists to `/bin/busybox`.
    private func addBusyboxApplets(to builder: LayerBuilder, work: String, epoch: Int64) throws {
        let binary = work + "/busybox"
        guard builder.entry(at: "bin/busybox") != nil else {
            throw ReeError(.corrupt, "failed to add busybox applets: the packages hold no bin/busybox")
        }
        // Write the binary out to ask it for its applet list.
        let fd = try FileDescriptor.open(binary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o755)
        try fd.writeAll(try builder.contents(at: "bin/busybox"))
        try fd.close()
        let listing = try ProcessRunner.output([binary, "--list-full"])
        var count = 0
        for line in listing.split(separator: "\n") {
            let path = String(line).trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty, path != "bin/busybox", builder.entry(at: path) == nil else { continue }
            builder.add(ArchiveEntry(path: path, kind: .symlink, mode: 0o777, mtime: epoch, linkTarget: "/bin/busybox"))
            count += 1
        }
        log("linked \(count) busybox applets")
    }

    private func runMmdebstrap(suite: String, variant: String, include: [String], epoch: Int64, into builder: LayerBuilder, work: String) throws {
        let output = work + "/rootfs.tar"
        var argv = ["mmdebstrap", "--variant=\(variant)", "--format=tar", "--quiet"]
        if !include.isEmpty { argv.append("--include=\(include.joined(separator: ","))") }
        argv += [suite, output]
        // The mirror is whatever this host's apt uses: no archive host is written into ree.
        argv += HostAptSources.files()
        log("running \(argv.joined(separator: " "))")
        try ProcessRunner.run(argv, environment: ["SOURCE_DATE_EPOCH": String(epoch)], log: log)
        let reader = try ArchiveReader(path: output)
        try builder.addAll(from: reader) { entry in
            // The device nodes mmdebstrap leaves in /dev come from the sandbox at run time.
            !(entry.path.hasPrefix("dev/") && entry.kind != .directory)
        }
    }

    /// Copies the recipe's `files/` tree over the image, owned by root.
    private func addFiles(from directory: String, to builder: LayerBuilder, epoch: Int64) throws {
        guard FileSystem.isDirectory(directory) else { return }
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? directory : "\(directory)/\(relative)"
            for name in try FileSystem.listDirectory(full).sorted() {
                let rel = relative.isEmpty ? name : "\(relative)/\(name)"
                let path = "\(directory)/\(rel)"
                var st = stat()
                try checked("stat", path) { lstat(path, &st) }
                // Modes from a git checkout depend on the umask: keep only what git keeps (the x bit).
                let mode: UInt32 = (st.st_mode & 0o111) != 0 ? 0o755 : 0o644
                switch st.st_mode & FileType.mask {
                case FileType.directory:
                    // A `.keep` marker keeps empty directories in git; the mode comes from `.mode` if present.
                    let modeFile = path + "/.mode"
                    var dirMode: UInt32 = 0o755
                    if let text = try? FileSystem.readFile(modeFile), let m = UInt32(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), radix: 8) {
                        dirMode = m
                    }
                    builder.add(ArchiveEntry(path: rel, kind: .directory, mode: dirMode, mtime: epoch))
                    try walk(rel)
                case FileType.symlink:
                    builder.add(ArchiveEntry(path: rel, kind: .symlink, mode: 0o777, mtime: epoch, linkTarget: try FileSystem.readLink(path)))
                case FileType.regular where name == ".keep" || name == ".mode":
                    continue
                case FileType.regular:
                    builder.add(ArchiveEntry(path: rel, kind: .regular, mode: mode, mtime: epoch), contents: try FileSystem.readFile(path))
                default:
                    throw ReeError(.unsupported, "failed to add recipe file '\(path)': only files, directories and symlinks")
                }
            }
        }
        try walk("")
    }
}

/// The host's apt source files, passed to mmdebstrap as its mirror list.
enum HostAptSources {
    static func files() -> [String] {
        var result: [String] = []
        if FileSystem.exists("/etc/apt/sources.list"), let text = try? FileSystem.readFile("/etc/apt/sources.list"),
           String(decoding: text, as: UTF8.self).split(separator: "\n").contains(where: { $0.hasPrefix("deb ") }) {
            result.append("/etc/apt/sources.list")
        }
        let dir = "/etc/apt/sources.list.d"
        for name in ((try? FileSystem.listDirectory(dir)) ?? []).sorted() where name.hasSuffix(".sources") || name.hasSuffix(".list") {
            // Only Debian's own archive: other vendors' keys are not in the new root.
            guard let text = try? FileSystem.readFile("\(dir)/\(name)"),
                  String(decoding: text, as: UTF8.self).contains("debian-archive-keyring") || name == "debian.sources" else { continue }
            result.append("\(dir)/\(name)")
        }
        return result
    }
}
