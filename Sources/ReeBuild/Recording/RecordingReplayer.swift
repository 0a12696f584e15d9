import Foundation
import ReeOCI
import ReeOS
import ReeRecorder
import ReeSandbox
import Synchronization

/// `ree recording build`: rebuilds an REE definition offline. The ZIP is checked (format
/// version, paths, every recorded file's digest, every WARC record's digests) before any step
/// runs; then the build runs with the proxy in replay mode (no upstream connection at all) and
/// the output ZIP gets image.tar, build.log and report.json.
public struct RecordingReplayer: Sendable {
    public struct Options: Sendable {
        /// The REE definition ZIP.
        public var ree: String
        /// The output ZIP to write.
        public var output: String
        public var tag: ImageName?
        public var userNamespace: SandboxConfiguration.UserNamespaceMode = .auto
        public var stepTimeout: Duration = .seconds(3600)
        /// ARG values over the REE's own (sbom strategy: `REE_DEBIAN_SNAPSHOT=` a mirror's URL).
        public var buildArguments: [String: String] = [:]

        public init(ree: String, output: String) {
            self.ree = ree
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

    /// An REE unpacked and verified: nothing has run yet.
    public struct Opened: Sendable {
        public let directory: String
        public let manifest: REEManifest
    }

    /// Unpacks `ree` into `directory` and checks it; throws on anything unexpected. Both strategies:
    /// paths, base image archives, the SBOMs' digests; then the recording's or the pins' files.
    public static func open(_ ree: String, into directory: String) throws -> Opened {
        try ProjectArchive.unpack(zip: ree, to: directory)
        let jsonPath = directory + "/ree.json"
        guard FileSystem.exists(jsonPath) else {
            throw ReeError(.invalidInput, "failed to read REE '\(FileSystem.lastComponent(of: ree))': no ree.json at its root")
        }
        let manifest = try REEManifest.decode(try FileSystem.readFile(jsonPath, limit: 16 << 20))
        var required = manifest.baseImages.compactMap(\.archive)
        var digested = manifest.sbom
        if let recording = manifest.recording {
            // Every recorded file is listed with its digest, and nothing else is in recording/.
            let listed = Set(recording.files.map(\.path))
            let present = Set(((try? FileSystem.listDirectory(directory + "/recording")) ?? []).map { "recording/" + $0 })
            if let extra = present.subtracting(listed).sorted().first {
                throw ReeError(.corrupt, "REE: '\(extra)' is not listed in ree.json")
            }
            required += [recording.index, recording.caCertificate, recording.caPrivateKey] + recording.warcFiles
            digested += recording.files
        }
        if let pinning = manifest.pinning {
            required.append("context/" + pinning.dockerfile)
            digested += pinning.files
        }
        for path in required {
            _ = try ArchivePath.normalize(path, archive: "ree.json")
            guard FileSystem.exists(directory + "/" + path) else { throw ReeError(.invalidInput, "REE: '\(path)' named in ree.json is missing") }
        }
        for file in digested {
            _ = try ArchivePath.normalize(file.path, archive: "ree.json")
            let actual = try REEManifest.digest(of: directory + "/" + file.path, relative: file.path)
            guard actual.sha256 == file.sha256, actual.size == file.size else {
                let what = file.path.hasPrefix("recording/") ? "the recording" : "the REE"
                throw ReeError(.corrupt, "REE: '\(file.path)' does not match its digest in ree.json (\(what) was changed)")
            }
        }
        guard FileSystem.isDirectory(directory + "/context") else { throw ReeError(.invalidInput, "REE: no context/ directory") }
        return Opened(directory: directory, manifest: manifest)
    }

    /// Builds an REE of either strategy: `recording` offline from its recording (`build()`),
    /// `sbom` from its pinned Dockerfile with the network (`SBOMRebuilder`).
    public func buildDefinition() async throws -> REEBuildReport {
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "ree-build-")
        defer { try? FileSystem.removeTree(work) }
        let unpacked = work + "/ree"
        try FileSystem.createDirectory(unpacked)
        let opened = try Self.open(options.ree, into: unpacked)
        switch opened.manifest.knownStrategy {
        case .sbom:
            return .sbom(try await SBOMRebuilder(store: store, options: options, log: log).build(opened, work: work))
        default:
            return .recording(try await replay(opened, work: work))
        }
    }

    /// Builds a recording-strategy REE offline.
    public func build() async throws -> RecordingReport {
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "replay-")
        defer { try? FileSystem.removeTree(work) }
        let unpacked = work + "/ree"
        try FileSystem.createDirectory(unpacked)
        let opened = try Self.open(options.ree, into: unpacked)
        guard opened.manifest.recording != nil else {
            throw ReeError(.invalidInput, "REE '\(FileSystem.lastComponent(of: options.ree))' has strategy '\(opened.manifest.strategy)', not 'recording'")
        }
        return try await replay(opened, work: work)
    }

    private func replay(_ opened: Opened, work: String) async throws -> RecordingReport {
        let lines = Mutex<[String]>([])
        let log = BuildLog { [log] line in
            lines.withLock { $0.append(line) }
            log.line(line)
        }
        let unpacked = opened.directory
        let ree = opened.manifest
        guard let recordingInfo = ree.recording else { throw ReeError(.invalidInput, "REE: no recording part in ree.json") }
        // Every WARC record's block and payload digest, before any step.
        let recording = try Recording(directory: unpacked + "/recording", payloadDirectory: work + "/payloads")
        log.line("replay: recording checked, \(recording.exchangeCount) exchanges")
        let authority = CertificateAuthority(
            certificatePEM: String(decoding: try FileSystem.readFile(unpacked + "/" + recordingInfo.caCertificate), as: UTF8.self),
            privateKeyPEM: String(decoding: try FileSystem.readFile(unpacked + "/" + recordingInfo.caPrivateKey), as: UTF8.self))

        try Self.provideBaseImages(ree, from: unpacked, store: store, log: log)

        let proxy = try RecordingProxy(mode: .replay(recording), authority: authority) { log.line("  proxy: \($0)") }
        let network = try RecordingNetwork(proxy: proxy, authority: authority, scratch: work + "/network")
        var build = BuildOptions(contextDirectory: unpacked + "/context")
        build.dockerfile = ree.dockerfile
        build.tag = try options.tag ?? ImageName("ree-replay")
        build.target = ree.target
        build.buildArguments = ree.buildArguments
        build.sourceDateEpoch = ree.sourceDateEpoch
        build.userNamespace = options.userNamespace
        build.stepTimeout = options.stepTimeout
        build.noCache = true
        build.network = network
        log.line("replay: building offline from the recording")
        let result = try await Builder(store: store, options: build, log: log).build()
        await proxy.stop()

        let buildDigest = result.image.manifest.digest
        let identical = buildDigest.description == ree.imageDigest
        let manifest = try store.manifest(buildDigest)
        var report = RecordingReport(defineDigest: ree.imageDigest, buildDigest: buildDigest.description, identical: identical,
                                     unrecordedRequests: proxy.unrecordedRequests, upstreamRequests: proxy.upstreamRequests,
                                     differences: nil)
        if !identical {
            report.differences = try ImageDifference.compare(store: store, defineLayers: ree.imageLayers,
                                                             buildLayers: manifest.layers.map(\.digest.description))
        }
        log.line(identical ? "replay: identical to the define (\(buildDigest))" : "replay: differs from the define: \(ree.imageDigest) vs \(buildDigest)")

        let imageTar = work + "/image.tar"
        try store.exportArchive(result.image.name.description, toPath: imageTar)
        let sbomFiles = try ImageSBOMs.write(image: result.image, baseImages: result.baseImages, store: store, into: work + "/sbom", log: log).paths
        let temporary = options.output + ".tmp-\(getpid())"
        do {
            let zip = try ZipBuilder(path: temporary, mtime: ree.sourceDateEpoch)
            try zip.add("report.json", bytes: try report.encoded())
            try zip.add("build.log", bytes: Array((lines.withLock { $0 }.joined(separator: "\n") + "\n").utf8))
            try zip.add("image.tar", file: imageTar, mode: 0o644, mtime: ree.sourceDateEpoch)
            for file in sbomFiles { try zip.add(FileSystem.lastComponent(of: file), file: file, mode: 0o644, mtime: ree.sourceDateEpoch) }
            try zip.finish()
            guard rename(temporary, options.output) == 0 else { throw ReeError.system("rename", options.output) }
        } catch {
            unlink(temporary)
            throw error
        }
        return report
    }

    /// Makes every base image of `ree` present in the store with the define's digest: the store's own,
    /// else the one embedded in the REE (a digest mismatch is refused), else an error naming it.
    static func provideBaseImages(_ ree: REEManifest, from unpacked: String, store: ImageStore, log: BuildLog) throws {
        for base in ree.baseImages {
            let expected = try Digest(base.digest)
            let present = try? store.resolve(base.name)
            if present?.manifest.digest == expected { continue }
            guard let archive = base.archive else {
                let found = present.map { " (the store has \($0.manifest.digest))" } ?? ""
                throw ReeError(.notFound, "base image \(base.name)@\(base.digest) is not in the store\(found); define with --embed-base or import it")
            }
            let imported = try store.importArchive(unpacked + "/" + archive, name: try ImageName(base.name))
            guard imported.manifest.digest == expected else {
                throw ReeError(.corrupt, "REE: embedded base image \(base.name) has digest \(imported.manifest.digest), ree.json says \(base.digest)")
            }
            log.line("build: imported base image \(base.name) \(expected)")
        }
    }
}
