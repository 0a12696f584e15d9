/// Does the work of one process. The build pipeline implements it; `ProcessService` runs it
/// with bounded concurrency and records the outcome.
public protocol ProcessWorker: Sendable {
    /// Runs one process: reads `job.upload` (a ZIP), writes its log lines through `job.log`, and
    /// writes `job.output` (a ZIP). Throws to fail the process (the error message goes to the log).
    /// Blocking work (unpacking, compressing, waiting for children) belongs on its own thread
    /// (`BlockingWork.run`), not on the cooperative pool. Cancellation means the server is stopping.
    func run(_ job: ProcessJob) async throws
}

/// One process as a worker sees it. All paths are absolute and inside `$REE_HOME/processes/<uuid>/`.
public struct ProcessJob: Sendable {
    public let id: ProcessID
    public let kind: ProcessKind
    public let tag: String?
    /// The Dockerfile's path inside the project, already checked to be relative and without `..`
    /// (`recording-define` only; `Dockerfile` when the client named none).
    public let dockerfile: String?
    /// The uploaded ZIP (checked to be a ZIP; its entries are not checked yet: use `ProjectArchive.unpack`).
    public let upload: String
    /// Where the worker writes its result, a ZIP. It must exist when `run` returns.
    public let output: String
    /// An empty directory for the worker's files; kept after the process ends.
    public let workDirectory: String
    public let log: ProcessLog

    public init(id: ProcessID, kind: ProcessKind, tag: String?, dockerfile: String?, upload: String, output: String,
                workDirectory: String, log: ProcessLog) {
        self.id = id
        self.kind = kind
        self.tag = tag
        self.dockerfile = dockerfile
        self.upload = upload
        self.output = output
        self.workDirectory = workDirectory
        self.log = log
    }
}
