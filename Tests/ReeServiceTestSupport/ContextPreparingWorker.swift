import ReeBuild
import ReeOS
import ReeService

/// A test worker: prepares the project like the real one, then fails with a known message.
/// The service's tests use it where the build itself is beside the point.
public struct ContextPreparingWorker: ProcessWorker {
    public static let unavailableMessage = "the test worker does not build"

    public let limits: ProjectArchive.Limits

    public init(limits: ProjectArchive.Limits = ProjectArchive.Limits()) {
        self.limits = limits
    }

    public func run(_ job: ProcessJob) async throws {
        let context = try await ProjectContext.prepare(job, limits: limits)
        job.log.append("ree: project ready in \(FileSystem.lastComponent(of: job.workDirectory))/\(FileSystem.lastComponent(of: context))")
        throw ReeError(.unsupported, Self.unavailableMessage)
    }
}
