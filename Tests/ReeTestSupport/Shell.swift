import Foundation

/// The result of a finished child process.
public struct ShellResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var succeeded: Bool { status == 0 }
}

/// Runs external tools in tests (skopeo, umoci, bsdtar...), capturing their output.
public enum Shell {
    /// Output goes to files, not pipes: waiting for a pipe's EOF can hang for as long as any other
    /// child (a server another test started meanwhile) holds an inherited copy of its write end;
    /// waiting for the process itself cannot.
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String]? = nil, directory: String? = nil, input: Data? = nil) throws -> ShellResult {
        let scratch = try makeTemporaryDirectory(prefix: "ree-shell")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout", errPath = scratch + "/stderr", inPath = scratch + "/stdin"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let inp = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        defer {
            try? out.close()
            try? err.close()
            try? inp.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : (Requirements.which(argv[0]) ?? argv[0]))
        process.arguments = Array(argv.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inp
        try process.run()
        process.waitUntilExit()
        return ShellResult(status: process.terminationStatus,
                           stdout: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self),
                           stderr: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self))
    }

    /// Runs and requires success; the error message carries the command's stderr.
    @discardableResult
    public static func check(_ argv: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> String {
        let r = try run(argv, environment: environment, directory: directory)
        guard r.succeeded else {
            throw ShellError(description: "\(argv.joined(separator: " ")) exited \(r.status): \(r.stderr)\(r.stdout)")
        }
        return r.stdout
    }
}

public struct ShellError: Error, CustomStringConvertible { public let description: String }
