import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging
import ReeAPI
import ReeOCI
import ReeOS
import ReeService
import ReeServiceTestSupport
import ReeTestSupport
import Synchronization

/// The real application, in this process, on a free loopback port.
final class TestServer: Sendable {
    let home: String
    let service: ProcessService
    let store: ImageStore
    let port: Int
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// Users `alice` and `bob` with passwords `alice-pw` and `bob-pw` (bcrypt, cost 4).
    static let users: [String: String] = [
        "alice": Bcrypt.hash("alice-pw", cost: 4),
        "bob": Bcrypt.hash("bob-pw", cost: 4),
    ]

    static func start(worker: any ProcessWorker = ContextPreparingWorker(),
                      authenticator: (any Authenticator)? = nil,
                      maxUploadBytes: Int64 = 1 << 30,
                      maxConcurrentProcesses: Int = 1) async throws -> TestServer {
        let home = try makeTemporaryDirectory(prefix: "ree-api")
        ReeMetrics.bootstrap()
        var logger = Logger(label: "ree.test")
        // Stopping a server by cancelling it makes Hummingbird log errors; only worse ones matter here.
        logger.logLevel = .critical
        let service = try ProcessService(configuration: .init(home: home, maxConcurrentProcesses: maxConcurrentProcesses,
                                                              maxUploadBytes: maxUploadBytes),
                                         worker: worker, logger: logger)
        try await service.start()
        let store = try ImageStore(home: home)
        let auth = authenticator ?? BasicAuthenticator(users: users)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = ReeServer.buildApplication(configuration: .init(host: "127.0.0.1", port: 0), service: service, images: store,
                                             authenticator: auth, logger: logger,
                                             onServerRunning: { portContinuation.yield($0); portContinuation.finish() })
        let task = Task { try await app.runService() }
        var port = 0
        for await p in portStream { port = p }
        return TestServer(home: home, service: service, store: store, port: port, task: task)
    }

    private init(home: String, service: ProcessService, store: ImageStore, port: Int, task: Task<Void, any Error>) {
        self.home = home
        self.service = service
        self.store = store
        self.port = port
        self.task = task
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        await service.shutdown()
    }
}

/// What a test's request got back.
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A small HTTP client for tests: curl, run on a thread of its own (never on the cooperative pool,
/// which the in-process server needs). Not URLSession: on Linux it hangs on a 401 that carries
/// `WWW-Authenticate: Basic` instead of returning it.
enum HTTP {
    enum Credentials {
        case basic(String, String)
        case bearer(String)
        case none
    }

    static func request(_ method: String, _ url: String, auth: Credentials = .basic("alice", "alice-pw"),
                        body: Data? = nil, contentType: String? = nil) async throws -> HTTPResult {
        let directory = try makeTemporaryDirectory(prefix: "ree-http")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var argv = ["curl", "-sS", "--max-time", "60", "-X", method, "-o", directory + "/body", "-D", directory + "/headers",
                    "-w", "%{http_code}", "-H", "Expect:"]
        switch auth {
        case .basic(let user, let password): argv += ["-u", "\(user):\(password)"]
        case .bearer(let token): argv += ["-H", "Authorization: Bearer \(token)"]
        case .none: break
        }
        if let contentType { argv += ["-H", "Content-Type: \(contentType)"] }
        if let body {
            try body.write(to: URL(fileURLWithPath: directory + "/request"))
            argv += ["--data-binary", "@" + directory + "/request"]
        }
        argv.append(url)
        let command = argv
        let result = try await onThread { try Shell.run(command) }
        guard result.succeeded, let status = Int(result.stdout) else {
            throw TestFailure("curl \(method) \(url) failed: \(result.stderr)")
        }
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: directory + "/headers", encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/body"))) ?? Data()
        return HTTPResult(status: status, headers: headers, body: data)
    }

    static func get(_ url: String, auth: Credentials = .basic("alice", "alice-pw")) async throws -> HTTPResult {
        try await request("GET", url, auth: auth)
    }

    /// A multipart/form-data POST with text fields and an optional file.
    static func postForm(_ url: String, fields: [(String, String)] = [], file: Data?, fileName: String = "project.zip",
                         auth: Credentials = .basic("alice", "alice-pw")) async throws -> HTTPResult {
        let boundary = "ree-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: application/zip\r\n\r\n".utf8))
            body.append(file)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return try await request("POST", url, auth: auth, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}

/// Runs blocking test code (a child process) on a thread of its own.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A worker that writes a small output ZIP, or waits on a gate first when the tag is `block`.
final class OutputWorker: ProcessWorker {
    let gate = Mutex<[CheckedContinuation<Void, Never>]?>([])

    func release() {
        let waiters = gate.withLock { g -> [CheckedContinuation<Void, Never>] in
            defer { g = nil }
            return g ?? []
        }
        for w in waiters { w.resume() }
    }

    func run(_ job: ProcessJob) async throws {
        job.log.append("worker: building \(job.kind.rawValue)")
        if job.tag == "block" {
            job.log.append("worker: waiting")
            await withCheckedContinuation { c in
                let now = gate.withLock { g -> Bool in
                    if g == nil { return true }
                    g?.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }
        let zip = job.workDirectory + "/out.zip"
        let tag = job.tag ?? ""
        try await onThread { try ZipFixture.write(zip, [.file("ree.json", "{\"tag\": \"\(tag)\"}\n")]) }
        try FileManager.default.moveItem(atPath: zip, toPath: job.output)
        job.log.append("worker: done")
    }
}

/// A ZIP with a Dockerfile, as bytes.
func projectZip(_ entries: [ZipFixture.Entry] = [.file("Dockerfile", "FROM busybox\nRUN echo hello\n")]) throws -> Data {
    // Called from tests before their server is busy; blocks its thread for one short child process.
    let path = try makeTemporaryDirectory(prefix: "ree-zip") + "/project.zip"
    try ZipFixture.write(path, entries)
    return try Data(contentsOf: URL(fileURLWithPath: path))
}

/// A server the tests talk to over HTTP: the in-process `TestServer` or the `ree serve` binary.
protocol ServerEndpoint {
    var base: String { get }
}

extension TestServer: ServerEndpoint {}
extension LiveServer: ServerEndpoint {}

/// Polls the status route until the process has finished (or `done` says so), for at most `timeout`.
func waitForStatus(_ server: some ServerEndpoint, _ uuid: String, auth: HTTP.Credentials = .basic("alice", "alice-pw"),
                   timeout: Duration = .seconds(30),
                   until done: (String) -> Bool = { $0 == "processed" || $0 == "failed" }) async throws -> [String: Any] {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let r = try await HTTP.get(server.base + "/api/process/status/" + uuid, auth: auth)
        if let status = r.object["status"] as? String, done(status) { return r.object }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("process \(uuid) did not finish within \(timeout)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
