import Foundation
import ReeOS
import ReeService
import ReeServiceTestSupport
import ReeTestSupport
import Testing

@Suite("Processes: queue, persistence, restart")
struct ProcessServiceTests {
    static func makeUpload(in service: ProcessService, _ entries: [ZipFixture.Entry] = [.file("Dockerfile", "FROM busybox\n")]) throws -> String {
        let path = service.uploadsDirectory + "/test-\(UUID().uuidString).zip"
        try ZipFixture.write(path, entries)
        return path
    }

    static func logText(_ service: ProcessService, _ id: ProcessID) throws -> String {
        String(decoding: try FileSystem.readFile(service.logPath(id)), as: UTF8.self)
    }

    @Test("A process runs, is persisted in SQLite (WAL) and keeps its log and output")
    func runsAProcess() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let worker = ScriptedWorker()
        let service = try ProcessService(configuration: .init(home: home), worker: worker)
        try await service.start()
        let record = try await service.create(kind: .recordingDefine, tag: "my_definition", dockerfile: nil, owner: "alice",
                                              uploadPath: try Self.makeUpload(in: service))
        #expect(record.status == .queued)
        #expect(record.dockerfile == "Dockerfile")
        await service.waitUntilIdle()
        let done = try service.record(record.id, owner: "alice")
        #expect(done.status == .processed)
        #expect(done.startedAt != nil && done.finishedAt != nil)
        #expect(FileSystem.exists(try service.outputFile(record.id, owner: "alice")))
        #expect(FileSystem.exists(home + "/processes/\(record.id)/upload.zip"))
        #expect(FileSystem.isDirectory(home + "/processes/\(record.id)/work"))
        let log = try Self.logText(service, record.id)
        #expect(log.contains("worker: started recording-define"))
        #expect(log.contains("ree: process finished"))
        #expect(try service.database.journalMode() == "wal")
        #expect(listTree(home + "/uploads").isEmpty)
    }

    @Test("A process belongs to its owner: others get not found")
    func ownersOnly() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let service = try ProcessService(configuration: .init(home: home), worker: ScriptedWorker())
        try await service.start()
        let record = try await service.create(kind: .sbomDefine, tag: nil, dockerfile: "ignored", owner: "alice",
                                              uploadPath: try Self.makeUpload(in: service))
        #expect(record.dockerfile == nil)
        await service.waitUntilIdle()
        for call in [{ _ = try service.record(record.id, owner: "bob") },
                     { _ = try service.logFile(record.id, owner: "bob") },
                     { _ = try service.outputFile(record.id, owner: "bob") }] {
            let error = #expect(throws: ReeError.self) { try call() }
            #expect(error?.code == .notFound)
        }
    }

    @Test("A failing worker fails the process with its message in the log, and it has no output")
    func failingWorker() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let service = try ProcessService(configuration: .init(home: home), worker: ScriptedWorker())
        try await service.start()
        let record = try await service.create(kind: .recordingBuild, tag: "fail", dockerfile: nil, owner: "alice",
                                              uploadPath: try Self.makeUpload(in: service))
        await service.waitUntilIdle()
        let done = try service.record(record.id, owner: "alice")
        #expect(done.status == .failed)
        #expect(done.error == "step 2 of 3 exited with status 1")
        #expect(try Self.logText(service, record.id).contains("error: step 2 of 3 exited with status 1"))
        let error = #expect(throws: ReeError.self) { try service.outputFile(record.id, owner: "alice") }
        #expect(error?.code == .conflict)
    }

    @Test("No more processes run at once than configured", arguments: [1, 2])
    func boundedConcurrency(_ limit: Int) async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let worker = ScriptedWorker()
        let service = try ProcessService(configuration: .init(home: home, maxConcurrentProcesses: limit), worker: worker)
        try await service.start()
        var ids: [ProcessID] = []
        for i in 0..<5 {
            ids.append(try await service.create(kind: .sbomDefine, tag: "p\(i)", dockerfile: nil, owner: "alice",
                                                uploadPath: try Self.makeUpload(in: service)).id)
        }
        await service.waitUntilIdle()
        #expect(worker.maxRunning == limit)
        #expect(worker.ran == ["p0", "p1", "p2", "p3", "p4"])
        for id in ids { #expect(try service.record(id, owner: "alice").status == .processed) }
    }

    @Test("After a crash, finished processes are intact, the running one failed with the reason in its log, queued ones run")
    func recoversAfterACrash() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let first = ScriptedWorker()
        let crashed = try ProcessService(configuration: .init(home: home), worker: first)
        try await crashed.start()
        let finished = try await crashed.create(kind: .recordingDefine, tag: "done", dockerfile: nil, owner: "alice",
                                                uploadPath: try Self.makeUpload(in: crashed))
        await crashed.waitUntilIdle()
        let interrupted = try await crashed.create(kind: .recordingDefine, tag: "block", dockerfile: nil, owner: "alice",
                                                   uploadPath: try Self.makeUpload(in: crashed))
        let queued = try await crashed.create(kind: .sbomDefine, tag: "later", dockerfile: nil, owner: "bob",
                                              uploadPath: try Self.makeUpload(in: crashed))
        // Wait until the blocking process is running: the state a SIGKILL would leave on disk.
        for _ in 0..<200 where try crashed.record(interrupted.id, owner: "alice").status != .running {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try crashed.record(interrupted.id, owner: "alice").status == .running)
        // A stale partial upload, as a killed server leaves it.
        try FileSystem.writeAtomically(crashed.uploadsDirectory + "/upload-partial", [1, 2, 3])

        // A new server on the same home; the old one is abandoned without any shutdown, as after SIGKILL.
        let second = ScriptedWorker()
        let restarted = try ProcessService(configuration: .init(home: home), worker: second)
        try await restarted.start()
        await restarted.waitUntilIdle()

        let a = try restarted.record(finished.id, owner: "alice")
        #expect(a.status == .processed)
        #expect(FileSystem.exists(try restarted.outputFile(finished.id, owner: "alice")))
        let b = try restarted.record(interrupted.id, owner: "alice")
        #expect(b.status == .failed)
        #expect(b.error == ProcessService.interruptedMessage)
        #expect(try Self.logText(restarted, interrupted.id).hasSuffix(ProcessService.interruptedMessage + "\n"))
        let c = try restarted.record(queued.id, owner: "bob")
        #expect(c.status == .processed)
        #expect(second.ran == ["later"])
        #expect(listTree(restarted.uploadsDirectory).isEmpty)
        first.release()
    }

    @Test("A followed log streams lines while the process runs and ends when it finishes")
    func followsTheLog() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let worker = ScriptedWorker()
        let service = try ProcessService(configuration: .init(home: home), worker: worker)
        try await service.start()
        let record = try await service.create(kind: .recordingDefine, tag: "block", dockerfile: nil, owner: "alice",
                                              uploadPath: try Self.makeUpload(in: service))
        let stream = try service.followLog(record.id, owner: "alice", pollInterval: .milliseconds(20))
        var text = ""
        var released = false
        for try await chunk in stream {
            text += String(decoding: chunk, as: UTF8.self)
            if !released && text.contains("worker: waiting") {
                released = true
                worker.release()
            }
        }
        #expect(released)
        #expect(text.contains("ree: process finished"))
    }

    @Test("Uploads that are not ZIPs, bad tags and escaping Dockerfile names are refused before a process exists")
    func refusesBadInput() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let service = try ProcessService(configuration: .init(home: home), worker: ScriptedWorker())
        try await service.start()
        let text = service.uploadsDirectory + "/text"
        try FileSystem.writeAtomically(text, Array("hello".utf8))
        await #expect(throws: ReeError.self) {
            try await service.create(kind: .sbomDefine, tag: nil, dockerfile: nil, owner: "a", uploadPath: text)
        }
        await #expect(throws: ReeError.self) {
            try await service.create(kind: .sbomDefine, tag: "bad tag", dockerfile: nil, owner: "a", uploadPath: try Self.makeUpload(in: service))
        }
        await #expect(throws: ReeError.self) {
            try await service.create(kind: .recordingDefine, tag: nil, dockerfile: "../Dockerfile", owner: "a", uploadPath: try Self.makeUpload(in: service))
        }
        #expect(try service.database.records(status: .queued).isEmpty)
        #expect(listTree(home + "/processes").isEmpty)
    }

    @Test("The preparing worker unpacks the project, checks the Dockerfile, then fails honestly")
    func preparingWorker() async throws {
        let home = try makeTemporaryDirectory(prefix: "ree-service")
        let service = try ProcessService(configuration: .init(home: home), worker: ContextPreparingWorker())
        try await service.start()
        let good = try await service.create(kind: .recordingDefine, tag: nil, dockerfile: "docker/Dockerfile.dev", owner: "a",
                                            uploadPath: try Self.makeUpload(in: service, [.file("docker/Dockerfile.dev", "FROM busybox\n")]))
        let missing = try await service.create(kind: .recordingDefine, tag: nil, dockerfile: nil, owner: "a",
                                               uploadPath: try Self.makeUpload(in: service, [.file("README", "no dockerfile here\n")]))
        await service.waitUntilIdle()
        let goodLog = try Self.logText(service, good.id)
        #expect(goodLog.contains("found the Dockerfile 'docker/Dockerfile.dev'"))
        #expect(goodLog.contains("error: " + ContextPreparingWorker.unavailableMessage))
        #expect(FileSystem.exists(home + "/processes/\(good.id)/work/context/docker/Dockerfile.dev"))
        #expect(try service.record(good.id, owner: "a").status == .failed)
        #expect(try Self.logText(service, missing.id).contains("error: the Dockerfile 'Dockerfile' does not exist in the project"))
    }
}
