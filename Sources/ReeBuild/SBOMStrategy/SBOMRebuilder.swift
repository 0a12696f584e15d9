import Foundation
import ReeOCI
import ReeOS
import ReeRecorder
import Synchronization

/// Builds an sbom-strategy REE: its pinned Dockerfile, with the network passing through the
/// proxy, then checks that every package of the REE's SBOM is in the new image at the same
/// version. The output ZIP is a recording build's (image.tar, build.log, report.json, SBOMs);
/// when packages differ it is still written, the log lists each difference, and the build fails.
public struct SBOMRebuilder: Sendable {
    public let store: ImageStore
    public let options: RecordingReplayer.Options
    public let log: BuildLog

    public init(store: ImageStore, options: RecordingReplayer.Options, log: BuildLog) {
        self.store = store
        self.options = options
        self.log = log
    }

    func build(_ opened: RecordingReplayer.Opened, work: String) async throws -> SBOMBuildReport {
        let lines = Mutex<[String]>([])
        let log = BuildLog { [log] line in
            lines.withLock { $0.append(line) }
            log.line(line)
        }
        let ree = opened.manifest
        guard let pinning = ree.pinning else { throw ReeError(.invalidInput, "REE: no pinning part in ree.json") }
        guard let sbom = ree.sbom.first(where: { $0.path.hasSuffix(".cdx.json") }) else {
            throw ReeError(.invalidInput, "REE: ree.json lists no CycloneDX SBOM under sbom/")
        }
        let definePurls: [String]
        do {
            definePurls = try SBOMBuildReport.purls(cycloneDX: try FileSystem.readFile(opened.directory + "/" + sbom.path))
        } catch {
            throw ReeError(.invalidInput, "failed to read the SBOM '\(sbom.path)' of the REE: \(error)")
        }
        try RecordingReplayer.provideBaseImages(ree, from: opened.directory, store: store, log: log)

        let exchanges = ExchangeLog()
        let authority = try CertificateAuthority.generate()
        let proxy = try RecordingProxy(mode: .passThrough(UpstreamConfiguration(), observer: exchanges.observer), authority: authority) {
            log.line("  proxy: \($0)")
        }
        let network = try RecordingNetwork(proxy: proxy, authority: authority, scratch: work + "/network")
        var build = BuildOptions(contextDirectory: opened.directory + "/context")
        build.dockerfile = pinning.dockerfile
        build.tag = try options.tag ?? ImageName("ree-sbom-build")
        build.target = ree.target
        build.buildArguments = ree.buildArguments.merging(options.buildArguments) { _, given in given }
        build.sourceDateEpoch = ree.sourceDateEpoch
        build.userNamespace = options.userNamespace
        build.stepTimeout = options.stepTimeout
        build.noCache = true
        build.network = network
        let overrides = options.buildArguments.keys.sorted().map { "\($0)=\(options.buildArguments[$0] ?? "")" }
        log.line("sbom build: building \(pinning.dockerfile) with the network passed through" + (overrides.isEmpty ? "" : " (build arguments: \(overrides.joined(separator: ", ")))"))
        let result = try await Builder(store: store, options: build, log: log).build()
        await proxy.stop()

        let sboms = try ImageSBOMs.write(image: result.image, baseImages: result.baseImages, store: store, into: work + "/sbom", log: log)
        let (differences, extra) = SBOMBuildReport.compare(define: definePurls, build: sboms.packages.map(\.purl))
        let report = SBOMBuildReport(defineDigest: ree.imageDigest, buildDigest: result.image.manifest.digest.description,
                                     samePackages: differences.isEmpty, packages: Set(definePurls).count, differences: differences,
                                     extra: extra, upstreamRequests: exchanges.count)
        for difference in differences {
            let define = difference.define.joined(separator: ", ")
            let built = difference.build.isEmpty ? "missing" : difference.build.joined(separator: ", ")
            log.line("sbom build: differs: \(difference.package): SBOM \(define), build \(built)")
        }
        log.line("sbom build: " + REEBuildReport.sbom(report).summary)

        let imageTar = work + "/image.tar"
        try store.exportArchive(result.image.name.description, toPath: imageTar)
        let temporary = options.output + ".tmp-\(getpid())"
        do {
            let zip = try ZipBuilder(path: temporary, mtime: ree.sourceDateEpoch)
            try zip.add("report.json", bytes: try report.encoded())
            try zip.add("build.log", bytes: Array((lines.withLock { $0 }.joined(separator: "\n") + "\n").utf8))
            try zip.add("image.tar", file: imageTar, mode: 0o644, mtime: ree.sourceDateEpoch)
            for file in sboms.paths { try zip.add(FileSystem.lastComponent(of: file), file: file, mode: 0o644, mtime: ree.sourceDateEpoch) }
            try zip.finish()
            guard rename(temporary, options.output) == 0 else { throw ReeError.system("rename", options.output) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard differences.isEmpty else {
            throw ReeError(.processFailed, "failed to reproduce the packages of REE '\(FileSystem.lastComponent(of: options.ree))': "
                           + "\(differences.count) of the SBOM's packages are missing or at another version (listed in the log and report.json)")
        }
        return report
    }
}
