import Foundation
import Logging
import Metrics
import ReeBuild
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The processes of a ree server: creates them from uploads, persists them, runs them through a
/// `ProcessWorker` with bounded concurrency, and serves their status, log and output to their owner.
///
/// Files of a process live in `$REE_HOME/processes/<uuid>/`: `upload.zip`, `log`, `output.zip`, `work/`.
public actor ProcessService {
    public struct Configuration: Sendable {
        /// `$REE_HOME`: `ree.sqlite` and `processes/` go here.
        public var home: String
        /// Processes that run at the same time; the rest wait in the queue.
        public var maxConcurrentProcesses: Int
        /// Largest accepted upload, in bytes.
        public var maxUploadBytes: Int64

        public init(home: String, maxConcurrentProcesses: Int = 1, maxUploadBytes: Int64 = 1 << 30) {
            self.home = home
            self.maxConcurrentProcesses = max(1, maxConcurrentProcesses)
            self.maxUploadBytes = maxUploadBytes
        }
    }

    /// The line appended to the log of a process that was running when the server stopped.
    public static let interruptedMessage = "interrupted: the server stopped while this process was running"

    public nonisolated let configuration: Configuration
    public nonisolated let database: ProcessDatabase
    private let worker: any ProcessWorker
    private let logger: Logger
    private var queue: [ProcessID] = []
    private var running: [ProcessID: Task<Void, Never>] = [:]
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var started = false
    // Made at each use, not once: the metrics system may be bootstrapped after this service exists.
    private var queueLength: Gauge { Gauge(label: "ree_process_queue_length") }
    private var runningGauge: Gauge { Gauge(label: "ree_processes_running") }

    public nonisolated var processesDirectory: String { configuration.home + "/processes" }
    /// Where uploads are written while they arrive; on the same filesystem as `processes/`, so they can be renamed into place.
    public nonisolated var uploadsDirectory: String { configuration.home + "/uploads" }

    /// Opens (or creates) the store. Call `start()` to recover from a crash and begin running queued processes.
    public init(configuration: Configuration, worker: any ProcessWorker, logger: Logger = Logger(label: "ree.service")) throws {
        self.configuration = configuration
        self.worker = worker
        self.logger = logger
        try FileSystem.createDirectory(configuration.home, mode: 0o700)
        try FileSystem.createDirectory(configuration.home + "/processes", mode: 0o700)
        try FileSystem.createDirectory(configuration.home + "/uploads", mode: 0o700)
        database = try ProcessDatabase(path: configuration.home + "/ree.sqlite")
    }

    /// Marks processes that were running when the server last stopped as failed (with the reason in
    /// their log), removes stale partial uploads, and starts the queued processes, oldest first.
    public func start() throws {
        guard !started else { return }
        started = true
        for var record in try database.records(status: .running) {
            if let log = try? ProcessLog(path: logPath(record.id)) { log.append(Self.interruptedMessage) }
            record.status = .failed
            record.finishedAt = Date()
            record.error = Self.interruptedMessage
            try database.update(record)
            logger.warning("process interrupted by a restart", metadata: ["process.uuid": "\(record.id)"])
        }
        for name in (try? FileSystem.listDirectory(uploadsDirectory)) ?? [] {
            unlink(uploadsDirectory + "/" + name)
        }
        queue = try database.records(status: .queued).map(\.id)
        queueLength.record(queue.count)
        drain()
    }

    // MARK: Creating

    /// Creates a queued process from an upload that the caller has written to `uploadPath` (inside
    /// `uploadsDirectory`). The upload is moved into the process's folder; it must be a ZIP.
    public func create(kind: ProcessKind, tag: String?, dockerfile: String?, owner: String, uploadPath: String) throws -> ProcessRecord {
        let tag = try ProcessInput.validateTag(tag)
        let dockerfile = kind == .recordingDefine ? try ProcessInput.validateDockerfile(dockerfile) : nil
        try ProjectArchive.checkIsZip(uploadPath)
        let record = ProcessRecord(id: ProcessID(), kind: kind, tag: tag, dockerfile: dockerfile, owner: owner)
        let directory = directory(record.id)
        try FileSystem.createDirectory(directory, mode: 0o700)
        try FileSystem.createDirectory(directory + "/work", mode: 0o700)
        try checked("move upload to", directory + "/upload.zip") { rename(uploadPath, directory + "/upload.zip") }
        let log = try ProcessLog(path: logPath(record.id))
        log.append("ree: process \(record.id) (\(kind.rawValue)) queued\(tag.map { " with tag '\($0)'" } ?? "")")
        try database.insert(record)
        logger.info("process queued", metadata: ["process.uuid": "\(record.id)", "process.kind": "\(kind.rawValue)", "user": "\(owner)"])
        queue.append(record.id)
        queueLength.record(queue.count)
        if started { drain() }
        return record
    }

    // MARK: Reading

    /// The process `id` if `owner` started it; `notFound` otherwise (others' processes do not exist for them).
    public nonisolated func record(_ id: ProcessID, owner: String) throws -> ProcessRecord {
        guard let record = try database.record(id), record.owner == owner else {
            throw ReeError(.notFound, "process '\(id)' not found")
        }
        return record
    }

    /// The log file of a process its owner may read.
    public nonisolated func logFile(_ id: ProcessID, owner: String) throws -> String {
        _ = try record(id, owner: owner)
        return logPath(id)
    }

    /// The output ZIP of a processed process; `conflict` while it is queued or running, or when it failed.
    public nonisolated func outputFile(_ id: ProcessID, owner: String) throws -> String {
        let record = try record(id, owner: owner)
        switch record.status {
        case .queued, .running:
            throw ReeError(.conflict, "process \(id) is \(record.status.rawValue); its output is not ready")
        case .failed:
            throw ReeError(.conflict, "process \(id) failed; it has no output (see its log)")
        case .processed:
            let path = outputPath(id)
            guard FileSystem.exists(path) else { throw ReeError(.notFound, "output of process \(id) not found") }
            return path
        }
    }

    /// Chunks of the log as it grows, until the process has finished and everything is read.
    public nonisolated func followLog(_ id: ProcessID, owner: String, pollInterval: Duration = .milliseconds(200)) throws -> AsyncThrowingStream<[UInt8], any Error> {
        let path = try logFile(id, owner: owner)
        let file = try FileDescriptor.open(path)
        let database = self.database
        return AsyncThrowingStream { continuation in
            let task = Task {
                var chunk = [UInt8](repeating: 0, count: 65536)
                do {
                    while !Task.isCancelled {
                        // Read the status before the file: whatever was written before it finished is read below.
                        let finished = try database.record(id)?.status.isFinished ?? true
                        while true {
                            let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0) }
                            if n == 0 { break }
                            continuation.yield(Array(chunk[0..<n]))
                        }
                        if finished { break }
                        try await Task.sleep(for: pollInterval)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    nonisolated func directory(_ id: ProcessID) -> String { processesDirectory + "/" + id.rawValue }
    public nonisolated func logPath(_ id: ProcessID) -> String { directory(id) + "/log" }
    public nonisolated func outputPath(_ id: ProcessID) -> String { directory(id) + "/output.zip" }
    public nonisolated func uploadPath(_ id: ProcessID) -> String { directory(id) + "/upload.zip" }

    /// Processes waiting to run.
    public var queuedCount: Int { queue.count }

    /// Returns when no process is queued or running (tests, orderly shutdown).
    public func waitUntilIdle() async {
        if queue.isEmpty && running.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Cancels the running processes and waits for their workers to return; they are recorded as failed.
    public func shutdown() async {
        queue.removeAll()
        let tasks = Array(running.values)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    // MARK: Running

    private func drain() {
        while running.count < configuration.maxConcurrentProcesses, !queue.isEmpty {
            let id = queue.removeFirst()
            running[id] = Task { await self.execute(id) }
        }
        queueLength.record(queue.count)
        runningGauge.record(running.count)
        if queue.isEmpty && running.isEmpty {
            let waiters = idleWaiters
            idleWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
    }

    private func execute(_ id: ProcessID) async {
        defer {
            running[id] = nil
            drain()
        }
        guard var record = try? database.record(id), record.status == .queued else { return }
        let log: ProcessLog
        do {
            log = try ProcessLog(path: logPath(id))
            record.status = .running
            record.startedAt = Date()
            try database.update(record)
        } catch {
            logger.error("failed to start a process", metadata: ["process.uuid": "\(id)", "error": "\(error)"])
            return
        }
        log.append("ree: process started")
        logger.info("process started", metadata: ["process.uuid": "\(id)"])
        let job = ProcessJob(id: id, kind: record.kind, tag: record.tag, dockerfile: record.dockerfile,
                             upload: uploadPath(id), output: outputPath(id),
                             workDirectory: directory(id) + "/work", log: log)
        let clock = ContinuousClock()
        let startInstant = clock.now
        do {
            try await worker.run(job)
            try Task.checkCancellation()
            guard FileSystem.exists(job.output) else {
                throw ReeError(.processFailed, "the worker finished without writing an output")
            }
            record.status = .processed
            log.append("ree: process finished")
        } catch {
            let message: String
            if error is CancellationError {
                message = Self.interruptedMessage
            } else if let error = error as? ReeError {
                message = error.message
            } else {
                message = "\(error)"
            }
            log.append("error: \(message)")
            log.append("ree: process failed")
            record.status = .failed
            record.error = message
            unlink(job.output)
        }
        record.finishedAt = Date()
        let elapsed = clock.now - startInstant
        Timer(label: "ree_process_duration_seconds", dimensions: [("kind", record.kind.rawValue), ("status", record.status.rawValue)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        do {
            try database.update(record)
        } catch {
            logger.error("failed to record the end of a process", metadata: ["process.uuid": "\(id)", "error": "\(error)"])
        }
        logger.info("process finished", metadata: ["process.uuid": "\(id)", "process.status": "\(record.status.rawValue)"])
    }
}
