import ReeBuild
import ReeOS

/// The first part of every process that takes a project: the upload unpacked safely into
/// `work/context` and the Dockerfile checked, each step logged.
public enum ProjectContext {

    /// Unpacks `job.upload` into `<work>/context` and, for the defines, checks that the
    /// Dockerfile exists there. Returns the context directory. Reusable by the build pipeline.
    public static func prepare(_ job: ProcessJob, limits: ProjectArchive.Limits) async throws -> String {
        let context = job.workDirectory + "/context"
        try FileSystem.createDirectory(context, mode: 0o755)
        job.log.append("ree: unpacking the upload (at most \(limits.maxEntries) entries, \(limits.maxTotalBytes) bytes)")
        let upload = job.upload
        let summary = try await BlockingWork.run("ree-unpack") {
            try ProjectArchive.unpack(zip: upload, to: context, limits: limits)
        }
        job.log.append("ree: unpacked \(summary.files) files, \(summary.directories) directories, \(summary.symlinks) symlinks, \(summary.bytes) bytes")
        if job.kind == .recordingDefine || job.kind == .sbomDefine {
            let dockerfile = job.dockerfile ?? "Dockerfile"
            try ProjectArchive.requireRegularFile(dockerfile, in: context, what: "the Dockerfile")
            job.log.append("ree: found the Dockerfile '\(dockerfile)'")
        }
        return context
    }
}
