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

    /// Unpacks `ree` into `directory` and checks it; throws on anything unexpected.
    public static func open(_ ree: String, into directory: String) throws -> Opened {
        try ProjectArchive.unpack(zip: ree, to: directory)
        let jsonPath = directory + "/ree.json"
        guard FileSystem.exists(jsonPath) else {
            throw ReeError(.invalidInput, "failed to read REE '\(FileSystem.lastComponent(of: ree))': no ree.json at its root")
        }
        let manifest = try REEManifest.decode(try FileSystem.readFile(jsonPath, limit: 16 << 20))
        // Every recorded file is listed with its digest, and nothing else is in recording/.
        let listed = Set(manifest.recording.files.map(\.path))
        let present = Set(((try? FileSystem.listDirectory(directory + "/recording")) ?? []).map { "recording/" + $0 })
        if let extra = present.subtracting(listed).sorted().first {
            throw ReeError(.corrupt, "REE: '\(extra)' is not listed in ree.json")
        }
        var required = [manifest.recording.index, manifest.recording.caCertificate, manifest.recording.caPrivateKey] + manifest.recording.warcFiles
        required += manifest.baseImages.compactMap(\.archive)
        for path in required {
            _ = try ArchivePath.normalize(path, archive: "ree.json")
            guard FileSystem.exists(directory + "/" + path) else { throw ReeError(.invalidInput, "REE: '\(path)' named in ree.json is missing") }
        }
        for file in manifest.recording.files {
            _ = try ArchivePath.normalize(file.path, archive: "ree.json")
            let actual = try REEManifest.digest(of: directory + "/" + file.path, relative: file.path)
            guard actual.sha256 == file.sha256, actual.size == file.size else {
                throw ReeError(.corrupt, "REE: '\(file.path)' does not match its digest in ree.json (the recording was changed)")
            }
        }
        guard FileSystem.isDirectory(directory + "/context") else { throw ReeError(.invalidInput, "REE: no context/ directory") }
        return Opened(directory: directory, manifest: manifest)
    }

    public func build() async throws -> RecordingReport {
        let work = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "replay-")
        defer { try? FileSystem.removeTree(work) }
        let lines = Mutex<[String]>([])
        let log = BuildLog { [log] line in
            lines.withLock { $0.append(line) }
            log.line(line)
        }
        let unpacked = work + "/ree"
        try FileSystem.createDirectory(unpacked)
        let opened = try Self.open(options.ree, into: unpacked)
        let ree = opened.manifest
        // Every WARC record's block and payload digest, before any step.
        let recording = try Recording(directory: unpacked + "/recording", payloadDirectory: work + "/payloads")
        log.line("replay: recording checked, \(recording.exchangeCount) exchanges")
        let authority = CertificateAuthority(
            certificatePEM: String(decoding: try FileSystem.readFile(unpacked + "/" + ree.recording.caCertificate), as: UTF8.self),
            privateKeyPEM: String(decoding: try FileSystem.readFile(unpacked + "/" + ree.recording.caPrivateKey), as: UTF8.self))

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
            log.line("replay: imported base image \(base.name) \(expected)")
        }

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
        let sbomFiles = try ImageSBOMs.write(image: result.image, baseImages: result.baseImages, store: store, into: work + "/sbom", log: log)
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
}
