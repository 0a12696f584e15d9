import Foundation
import ReeOCI
import ReeOS
import ReeRecorder
import ReeSandbox
import ReeSBOM

/// `ree sbom define` and `/api/sbom/define`: builds a project with the network passing through
/// the proxy (nothing recorded, every exchange observed), inventories the image, and writes an REE
/// of strategy `sbom`: the project, a pinned Dockerfile beside it, both SBOMs, and ree.json with
/// what was pinned and what could not be (docs/ree-format.md).
public struct SBOMDefiner: Sendable {
    public struct Options: Sendable {
        /// The project: a directory or a ZIP.
        public var project: String
        /// The REE ZIP to write.
        public var output: String
        /// Limits for unpacking the project (entries, bytes).
        public var limits = ProjectArchive.Limits()
        public var dockerfile = "Dockerfile"
        public var tag: ImageName?
        public var target: String?
        public var buildArguments: [String: String] = [:]
        public var sourceDateEpoch: Int64 = 0
        /// Put the base images in the ZIP (`base/NAME.tar`).
        public var embedBase = false
        /// The snapshot service for images whose apt sources name none (`--debian-snapshot`,
        /// `REE_DEBIAN_SNAPSHOT`): its root URL, or a whole `…/archive/debian/TIMESTAMP` URL.
        public var debianSnapshot: String?
        /// The define's time: the snapshot timestamp when only the configuration names a snapshot.
        public var time = Date()
        public var userNamespace: SandboxConfiguration.UserNamespaceMode = .auto
        public var stepTimeout: Duration = .seconds(3600)
        public var upstream = UpstreamConfiguration()
        public var toolVersion = "dev"

        public init(project: String, output: String) {
            self.project = project
            self.output = output
        }
    }

    public let store: ImageStore
    public let options: Options
    public let log: BuildLog

    public init(store: ImageStore, options: Options, log: BuildLog) {
        self.store = store
        self.options = options
        self.log = log
    }

    /// The name of the pinned Dockerfile in `context/`: `Dockerfile.pinned`, unless the project has one.
    static func pinnedName(in context: String) -> String {
        var name = "Dockerfile.pinned"
        var n = 1
        while FileSystem.exists(context + "/" + name) {
            n += 1
            name = "Dockerfile.pinned-\(n)"
        }
        return name
    }

    /// Runs the define; the REE is written only if the build succeeds.
    public func define() async throws -> SBOMDefinition {
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "sbom-define-")
        defer { try? FileSystem.removeTree(work) }
        let context = try DefinitionFiles.prepareContext(
            project: options.project, dockerfile: options.dockerfile, limits: options.limits,
            sourceDateEpoch: options.sourceDateEpoch, work: work, log: log, label: "sbom define")

        let exchanges = ExchangeLog()
        let authority = try CertificateAuthority.generate()
        let proxy = try RecordingProxy(mode: .passThrough(options.upstream, observer: exchanges.observer), authority: authority) { [log] in
            log.line("  proxy: \($0)")
        }
        let network = try RecordingNetwork(proxy: proxy, authority: authority, scratch: work + "/network")
        var build = BuildOptions(contextDirectory: context)
        build.dockerfile = options.dockerfile
        build.tag = try options.tag ?? ImageName("ree-sbom-define")
        build.target = options.target
        build.buildArguments = options.buildArguments
        build.sourceDateEpoch = options.sourceDateEpoch
        build.userNamespace = options.userNamespace
        build.stepTimeout = options.stepTimeout
        build.noCache = true   // every step runs, so every download is seen
        build.network = network
        log.line("sbom define: building with the network passed through")
        let result = try await Builder(store: store, options: build, log: log).build()
        await proxy.stop()
        log.line("sbom define: \(exchanges.count) requests passed through")

        let sboms = try ImageSBOMs.write(image: result.image, baseImages: result.baseImages, store: store, into: work + "/sbom", log: log)
        var input = DockerfilePinner.Input(dockerfile: String(decoding: try FileSystem.readFile(context + "/" + BuildContext.clean(options.dockerfile)), as: UTF8.self))
        input.dockerfileName = options.dockerfile
        input.buildArguments = options.buildArguments
        input.target = options.target
        input.packages = sboms.packages
        input.exchanges = exchanges.byLine
        for base in result.baseImages {
            input.baseImages[base.name] = base.digest.description
            input.aptSources[base.name] = try Self.aptSources(of: store.resolve(base.name + "@" + base.digest.description), store: store)
        }
        if let configured = options.debianSnapshot {
            guard let snapshot = DebianSnapshot.configured(configured, time: options.time) else {
                throw ReeError(.invalidInput, "failed to use the Debian snapshot '\(configured)': not an http(s) URL")
            }
            input.configuredSnapshot = snapshot
        }
        let pins = try DockerfilePinner(input).pin()
        let pinnedName = Self.pinnedName(in: context)
        try FileSystem.writeAtomically(context + "/" + pinnedName, Array(pins.dockerfile.utf8), mode: 0o644)
        // The define's clock must not reach the REE: the same project and packages give the same ZIP entry.
        try FileSystem.setTimes(context + "/" + pinnedName, seconds: options.sourceDateEpoch)
        for item in pins.unpinned { log.line("sbom define: not pinned (line \(item.line)): \(item.what): \(item.reason)") }
        log.line("sbom define: \(pins.pinned.count) pins, \(pins.unpinned.count) not pinned; wrote context/\(pinnedName)")

        let (bases, baseFiles) = try DefinitionFiles.baseImages(of: result, embed: options.embedBase, store: store, work: work)
        let sbomDigests = try sboms.paths.map { try REEManifest.digest(of: $0, relative: "sbom/" + FileSystem.lastComponent(of: $0)) }
        let manifest = try store.manifest(result.image.manifest.digest)
        let pinning = REEManifest.PinningInfo(
            dockerfile: pinnedName, files: [try REEManifest.digest(of: context + "/" + pinnedName, relative: "context/" + pinnedName)],
            debianSnapshot: pins.snapshot, arguments: pins.arguments, pinned: pins.pinned, unpinned: pins.unpinned,
            exchanges: exchanges.count)
        let ree = REEManifest(
            formatVersion: REEManifest.currentFormatVersion, strategy: REEManifest.Strategy.sbom.rawValue,
            sourceDateEpoch: options.sourceDateEpoch, dockerfile: options.dockerfile, target: options.target,
            buildArguments: options.buildArguments, baseImages: bases,
            imageDigest: result.image.manifest.digest.description, imageLayers: manifest.layers.map(\.digest.description),
            toolVersion: options.toolVersion, pinning: pinning, sbom: sbomDigests)

        try DefinitionFiles.writeZip(options.output, mtime: options.sourceDateEpoch) { zip in
            try zip.add("ree.json", bytes: try ree.encoded())
            try zip.addTree(context, prefix: "context")
            for (path, file) in baseFiles { try zip.add(path, file: file, mode: 0o644, mtime: options.sourceDateEpoch) }
            for file in sboms.paths { try zip.add("sbom/" + FileSystem.lastComponent(of: file), file: file, mode: 0o644, mtime: options.sourceDateEpoch) }
        }
        log.line("sbom define: image \(result.image.manifest.digest); wrote \(options.output)")
        return SBOMDefinition(path: options.output, manifest: ree, pinnedDockerfile: pins.dockerfile, build: result, packages: sboms.packages)
    }

    /// The apt sources of a stored image: `/etc/apt/sources.list` and `sources.list.d/*.list|*.sources`.
    static func aptSources(of image: NamedImage, store: ImageStore) throws -> [AptSource] {
        let root = try LayeredRootFileSystem(image: image, store: store)
        var files: [(name: String, text: String)] = []
        if let bytes = try root.readFile("etc/apt/sources.list", limit: 1 << 20) {
            files.append(("sources.list", String(decoding: bytes, as: UTF8.self)))
        }
        if let dir = try root.resolveDirectory("etc/apt/sources.list.d") {
            for entry in try root.entries(dir) where entry.name.hasSuffix(".list") || entry.name.hasSuffix(".sources") {
                if let bytes = try root.readFile(dir + "/" + entry.name, limit: 1 << 20) {
                    files.append((entry.name, String(decoding: bytes, as: UTF8.self)))
                }
            }
        }
        return AptSource.parse(files: files)
    }
}

/// What an SBOM define produced.
public struct SBOMDefinition: Sendable {
    /// The REE ZIP.
    public let path: String
    public let manifest: REEManifest
    /// The text of the pinned Dockerfile.
    public let pinnedDockerfile: String
    public let build: BuildResult
    /// The built image's packages (what the SBOMs list).
    public let packages: [Package]
}
