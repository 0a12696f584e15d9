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
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String]? = nil, directory: String? = nil, input: Data? = nil) throws -> ShellResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : (Requirements.which(argv[0]) ?? argv[0]))
        process.arguments = Array(argv.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inp
        try process.run()
        if let input {
            inp.fileHandleForWriting.write(input)
            try inp.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return ShellResult(status: process.terminationStatus,
                           stdout: String(decoding: outData, as: UTF8.self),
                           stderr: String(decoding: errData.get(), as: UTF8.self))
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

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}
