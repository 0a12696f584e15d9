import ReeOS

/// The worker `ree serve` uses until the build pipeline is plugged in: it does the first real part
/// of every process, unpacking the upload safely into `work/context` and checking the Dockerfile,
/// and then fails the process, because it cannot build. It never pretends a build succeeded.
public struct ContextPreparingWorker: ProcessWorker {
    public static let unavailableMessage = "the build pipeline is not available in this version"

    public let limits: ProjectArchive.Limits

    public init(limits: ProjectArchive.Limits = ProjectArchive.Limits()) {
        self.limits = limits
    }

    public func run(_ job: ProcessJob) async throws {
        let context = try await Self.prepareContext(job, limits: limits)
        job.log.append("ree: project ready in \(FileSystem.lastComponent(of: job.workDirectory))/\(FileSystem.lastComponent(of: context))")
        throw ReeError(.unsupported, Self.unavailableMessage)
    }

    /// Unpacks `job.upload` into `<work>/context` and, for `recording-define`, checks that the
    /// Dockerfile exists there. Returns the context directory. Reusable by the build pipeline.
    public static func prepareContext(_ job: ProcessJob, limits: ProjectArchive.Limits) async throws -> String {
        let context = job.workDirectory + "/context"
        try FileSystem.createDirectory(context, mode: 0o755)
        job.log.append("ree: unpacking the upload (at most \(limits.maxEntries) entries, \(limits.maxTotalBytes) bytes)")
        let upload = job.upload
        let log = job.log
        let summary = try await BlockingWork.run("ree-unpack") {
            try ProjectArchive.unpack(zip: upload, to: context, limits: limits, log: { log.append($0) })
        }
        job.log.append("ree: unpacked \(summary.files) files, \(summary.directories) directories, \(summary.symlinks) symlinks, \(summary.bytes) bytes")
        if job.kind == .recordingDefine {
            let dockerfile = job.dockerfile ?? "Dockerfile"
            try ProjectArchive.requireRegularFile(dockerfile, in: context, what: "the Dockerfile")
            job.log.append("ree: found the Dockerfile '\(dockerfile)'")
        }
        return context
    }
}
