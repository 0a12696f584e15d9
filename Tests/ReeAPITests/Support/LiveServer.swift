import Foundation
import ReeTestSupport
import ReeServiceTestSupport
import Testing

/// The built `ree serve` binary, on a free loopback port, with its own home.
final class LiveServer: @unchecked Sendable {
    let process: Process
    let home: String
    let port: Int
    /// The password `ree serve` printed for user `ree` at first start (nil on later starts).
    let generatedPassword: String?
    let stderrPath: String

    var base: String { "http://127.0.0.1:\(port)" }
    var address: String { "127.0.0.1:\(port)" }

    static func start(home: String, environment: [String: String] = [:]) async throws -> LiveServer {
        let binary = ReeBinary.path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw TestFailure("ree is not built at \(binary)") }
        let stderrPath = home + "/serve-\(UUID().uuidString.prefix(8)).log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "0"]
        process.environment = ProcessInfo.processInfo.environment.merging(["REE_HOME": home].merging(environment) { $1 }) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var password: String?
        while true {
            let line = try await BackgroundProcess.readLine(stdout.fileHandleForReading, timeout: 120)
            if line.hasPrefix("ree: created user 'ree' with password ") {
                password = line.split(separator: " ")[6].description
            } else if line.hasPrefix("ree: listening on http://127.0.0.1:"), let port = Int(line.split(separator: ":").last ?? "") {
                return LiveServer(process: process, home: home, port: port, password: password, stderrPath: stderrPath)
            }
        }
    }

    private init(process: Process, home: String, port: Int, password: String?, stderrPath: String) {
        self.process = process
        self.home = home
        self.port = port
        self.generatedPassword = password
        self.stderrPath = stderrPath
    }

    deinit { stop() }

    /// SIGKILL: no shutdown code runs, as in a crash.
    func kill() async throws {
        Glibc.kill(process.processIdentifier, SIGKILL)
        let process = self.process
        try await onThread { process.waitUntilExit() }
    }

    /// SIGTERM; the wait for the exit happens on a thread of its own, off the cooperative pool.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let process = self.process
        Thread { process.waitUntilExit() }.start()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

/// httpie (`http`), as the API document's examples use it; stdin ignored, since tests have none.
enum HTTPie {
    struct Result {
        var status: Int
        var headers: String
        var body: String
    }

    static func run(_ arguments: [String], auth: String) async throws -> Result {
        let http = try Requirements.tool("http")
        let argv = [http, "--ignore-stdin", "--print=hb", "--timeout=60", "-a", auth] + arguments
        let r = try await onThread { try Shell.run(argv) }
        guard r.succeeded else { throw TestFailure("http \(arguments.joined(separator: " ")) failed: \(r.stderr)") }
        let separator = r.stdout.contains("\r\n\r\n") ? "\r\n\r\n" : "\n\n"
        let parts = r.stdout.components(separatedBy: separator)
        let headers = parts.first ?? ""
        let statusLine = headers.split(whereSeparator: \.isNewline).first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Result(status: status, headers: headers, body: parts.dropFirst().joined(separator: separator).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
