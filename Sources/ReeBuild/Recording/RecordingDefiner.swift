import Foundation
import ReeOCI
import ReeOS
import ReeRecorder
import ReeSandbox

/// `ree recording define`: builds a project with the network reachable only through the
/// recording proxy, then writes the REE definition ZIP (ree.json, context/, recording/, base/).
public struct RecordingDefiner: Sendable {
    public struct Options: Sendable {
        /// The project: a directory or a ZIP.
        public var project: String
        /// Limits for unpacking the project (a ZIP from a user).
        public var limits = ProjectArchive.Limits()
        /// The REE ZIP to write.
        public var output: String
        public var dockerfile = "Dockerfile"
        public var tag: ImageName?
        public var target: String?
        public var buildArguments: [String: String] = [:]
        public var sourceDateEpoch: Int64 = 0
        /// Put the base images in the ZIP (`base/NAME.tar`), so the REE is self-contained.
        public var embedBase = false
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

    /// Runs the define; the REE is written only if the build succeeds.
    public func define() async throws -> RecordingDefinition {
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "define-")
        defer { try? FileSystem.removeTree(work) }

        let context = try DefinitionFiles.prepareContext(
            project: options.project, dockerfile: options.dockerfile, limits: options.limits,
            sourceDateEpoch: options.sourceDateEpoch, work: work, log: log, label: "define")

        let recordingDir = work + "/recording"
        let authority = try CertificateAuthority.generate()
        let writer = try WARCWriter(directory: recordingDir, fileName: "recording.warc.gz", software: "ree \(options.toolVersion)")
        let proxy = try RecordingProxy(mode: .record(writer, options.upstream), authority: authority) { [log] in log.line("  proxy: \($0)") }
        let network = try RecordingNetwork(proxy: proxy, authority: authority, scratch: work + "/network")

        var build = BuildOptions(contextDirectory: context)
        build.dockerfile = options.dockerfile
        build.tag = try options.tag ?? ImageName("ree-define")
        build.target = options.target
        build.buildArguments = options.buildArguments
        build.sourceDateEpoch = options.sourceDateEpoch
        build.userNamespace = options.userNamespace
        build.stepTimeout = options.stepTimeout
        build.noCache = true   // every step runs, so all of its traffic is recorded
        build.network = network
        log.line("define: building with the network recorded")
        let result = try await Builder(store: store, options: build, log: log).build()
        await proxy.stop()
        let exchanges = try writer.finish()
        try FileSystem.writeAtomically(recordingDir + "/ca.crt", Array(authority.certificatePEM.utf8))
        try FileSystem.writeAtomically(recordingDir + "/ca.key", Array(authority.privateKeyPEM.utf8), mode: 0o600)

        let recordingNames = try FileSystem.listDirectory(recordingDir).filter { !$0.hasPrefix(".") }.sorted()
        let files = try recordingNames.map { try REEManifest.digest(of: recordingDir + "/" + $0, relative: "recording/" + $0) }

        let (bases, baseFiles) = try DefinitionFiles.baseImages(of: result, embed: options.embedBase, store: store, work: work)
        let sbomFiles = try ImageSBOMs.write(image: result.image, baseImages: result.baseImages, store: store, into: work + "/sbom", log: log).paths
        let sbomDigests = try sbomFiles.map { try REEManifest.digest(of: $0, relative: "sbom/" + FileSystem.lastComponent(of: $0)) }
        let manifest = try store.manifest(result.image.manifest.digest)
        let ree = REEManifest(
            formatVersion: REEManifest.currentFormatVersion, strategy: "recording", sourceDateEpoch: options.sourceDateEpoch,
            dockerfile: options.dockerfile, target: options.target, buildArguments: options.buildArguments, baseImages: bases,
            imageDigest: result.image.manifest.digest.description, imageLayers: manifest.layers.map(\.digest.description),
            toolVersion: options.toolVersion,
            recording: .init(files: files, warcFiles: recordingNames.filter { $0.hasSuffix(".warc.gz") }.map { "recording/" + $0 },
                             index: "recording/index.cdxj", caCertificate: "recording/ca.crt", caPrivateKey: "recording/ca.key",
                             exchanges: exchanges),
            sbom: sbomDigests)

        try DefinitionFiles.writeZip(options.output, mtime: options.sourceDateEpoch) { zip in
            try zip.add("ree.json", bytes: try ree.encoded())
            try zip.addTree(context, prefix: "context")
            for name in recordingNames { try zip.add("recording/" + name, file: recordingDir + "/" + name, mode: 0o644, mtime: options.sourceDateEpoch) }
            for (path, file) in baseFiles { try zip.add(path, file: file, mode: 0o644, mtime: options.sourceDateEpoch) }
            for file in sbomFiles { try zip.add("sbom/" + FileSystem.lastComponent(of: file), file: file, mode: 0o644, mtime: options.sourceDateEpoch) }
        }
        log.line("define: \(exchanges) exchanges recorded; image \(result.image.manifest.digest); wrote \(options.output)")
        return RecordingDefinition(path: options.output, manifest: ree, build: result, unrecordedFailures: [])
    }
}

/// What a define produced.
public struct RecordingDefinition: Sendable {
    /// The REE ZIP.
    public let path: String
    public let manifest: REEManifest
    public let build: BuildResult
    public let unrecordedFailures: [String]
}
