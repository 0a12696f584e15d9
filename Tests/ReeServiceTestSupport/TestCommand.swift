import Foundation
import ReeTestSupport

/// Runs a tool to completion with its output in files, not pipes. Waiting for a pipe's EOF can hang
/// for as long as any other child (a server another test started meanwhile) holds an inherited copy
/// of its write end; waiting for the process itself cannot.
public enum TestCommand {
    public static func run(_ argv: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> CommandResult {
        let scratch = try makeTemporaryDirectory(prefix: "ree-cmd")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout", errPath = scratch + "/stderr"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : (Requirements.which(argv[0]) ?? argv[0]))
        process.arguments = Array(argv.dropFirst())
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return CommandResult(status: process.terminationStatus,
                           stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    @discardableResult
    public static func check(_ argv: [String], environment: [String: String]? = nil) throws -> String {
        let r = try run(argv, environment: environment)
        guard r.succeeded else { throw CommandError(description: "\(argv.joined(separator: " ")) exited \(r.status): \(r.stderr)\(r.stdout)") }
        return r.stdout
    }
}

public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var succeeded: Bool { status == 0 }
}

public struct CommandError: Error, CustomStringConvertible {
    public let description: String
}
