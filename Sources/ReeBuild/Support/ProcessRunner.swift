import Foundation
import ReeOS

/// Runs host tools (apt-get, mmdebstrap) with their output going to a log, line by line.
enum ProcessRunner {
    static func run(_ argv: [String], directory: String? = nil, environment: [String: String] = [:], log: @escaping @Sendable (String) -> Void) throws {
        let result = try execute(argv, directory: directory, environment: environment, capture: false, log: log)
        guard result.status == 0 else {
            throw ReeError(.processFailed, "\(argv[0]) exited with status \(result.status): \(result.tail)")
        }
    }

    static func output(_ argv: [String]) throws -> String {
        let result = try execute(argv, directory: nil, environment: [:], capture: true, log: { _ in })
        guard result.status == 0 else {
            throw ReeError(.processFailed, "\(argv[0]) exited with status \(result.status): \(result.tail)")
        }
        return result.output
    }

    private static func execute(_ argv: [String], directory: String?, environment: [String: String], capture: Bool, log: @escaping @Sendable (String) -> Void) throws -> (status: Int32, output: String, tail: String) {
        let process = Process()
        guard let executable = which(argv[0]) else {
            throw ReeError(.notFound, "failed to run '\(argv[0])': not found on PATH (install it)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ReeError(.processFailed, "failed to run '\(executable)': \(error)")
        }
        let tail = TailBuffer()
        let errThread = Thread {
            for line in String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n") {
                tail.append(String(line))
                log(String(line))
            }
            tail.markDone()
        }
        errThread.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        tail.waitDone()
        let text = String(decoding: data, as: UTF8.self)
        if !capture {
            for line in text.split(separator: "\n") { log(String(line)) }
        }
        return (process.terminationStatus, text, tail.text)
    }

    static func which(_ name: String) -> String? {
        if name.hasPrefix("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }
}

/// The last lines of a tool's stderr, for error messages.
private final class TailBuffer: @unchecked Sendable {
    private let lock = NSCondition()
    private var lines: [String] = []
    private var done = false
    func append(_ l: String) { lock.lock(); lines.append(l); if lines.count > 8 { lines.removeFirst() }; lock.unlock() }
    func markDone() { lock.lock(); done = true; lock.broadcast(); lock.unlock() }
    func waitDone() { lock.lock(); while !done { lock.wait() }; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: " | ") }
}
