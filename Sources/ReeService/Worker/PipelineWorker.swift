import ReeBuild
import ReeOCI
import ReeOS

/// The worker `ree serve` runs: the same code paths as `ree recording define`, `ree sbom define`
/// and `ree recording build`, on the uploaded ZIP, writing the process's output ZIP.
public struct PipelineWorker: ProcessWorker {
    public struct Configuration: Sendable {
        public var limits = ProjectArchive.Limits()
        /// Put base images into defined REEs, so that a client can build them anywhere.
        public var embedBaseImages = true
        public var sourceDateEpoch: Int64 = 0
        public var toolVersion = "dev"
        /// The Debian snapshot service for sbom defines whose images name none (`REE_DEBIAN_SNAPSHOT`).
        public var debianSnapshot: String?
        /// ARG values over an REE's own when building it (an sbom REE behind a mirror: `REE_DEBIAN_SNAPSHOT`).
        public var buildArguments: [String: String] = [:]
        public init() {}
    }

    public let store: ImageStore
    public let configuration: Configuration

    public init(store: ImageStore, configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
    }

    public func run(_ job: ProcessJob) async throws {
        let log = BuildLog { job.log.append($0) }
        let tag = try job.tag.map { try ImageName(Self.imageName($0)) }
        switch job.kind {
        case .recordingDefine:
            // The definer unpacks the upload once, safely, and names any problem before a step runs.
            var options = RecordingDefiner.Options(project: job.upload, output: job.output)
            options.limits = configuration.limits
            options.dockerfile = job.dockerfile ?? "Dockerfile"
            options.tag = tag
            options.embedBase = configuration.embedBaseImages
            options.sourceDateEpoch = configuration.sourceDateEpoch
            options.toolVersion = configuration.toolVersion
            _ = try await RecordingDefiner(store: store, options: options, log: log).define()
        case .recordingBuild:
            var options = RecordingReplayer.Options(ree: job.upload, output: job.output)
            options.tag = tag
            options.buildArguments = configuration.buildArguments
            // Either strategy: an sbom REE is built from its pinned Dockerfile and fails when its packages differ.
            switch try await RecordingReplayer(store: store, options: options, log: log).buildDefinition() {
            case .recording(let report):
                job.log.append(report.identical ? "ree: the build is identical to the define" : "ree: the build differs from the define (see report.json)")
            case .sbom:
                job.log.append("ree: the build has every package of the REE's SBOM at the same version")
            }
        case .sbomDefine:
            // As for recording-define: the definer unpacks the upload once and names any problem first.
            var options = SBOMDefiner.Options(project: job.upload, output: job.output)
            options.limits = configuration.limits
            options.dockerfile = job.dockerfile ?? "Dockerfile"
            options.tag = tag
            options.embedBase = configuration.embedBaseImages
            options.sourceDateEpoch = configuration.sourceDateEpoch
            options.debianSnapshot = configuration.debianSnapshot
            options.toolVersion = configuration.toolVersion
            _ = try await SBOMDefiner(store: store, options: options, log: log).define()
        }
    }

    /// A process tag as an image name: lower-cased, other characters replaced.
    static func imageName(_ tag: String) -> String {
        let mapped = String(tag.lowercased().map { ($0.isLetter && $0.isASCII) || $0.isNumber || "._-".contains($0) ? $0 : "-" })
        let trimmed = mapped.trimmingCharacters(in: .init(charactersIn: "._-"))
        return trimmed.isEmpty ? "ree-process" : trimmed
    }
}
