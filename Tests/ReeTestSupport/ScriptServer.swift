import Foundation
import Testing

/// A local server started from a Python script that prints its port on the first line of stdout.
public enum ScriptServer {
    /// Starts `python3 -c script arguments...`; returns the port it printed and the process.
    public static func start(_ script: String, arguments: [String]) throws -> (port: UInt16, process: Process) {
        try Requirements.tool("python3")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        // Never the test's own stderr: a server left behind would keep `swift test` waiting on it.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 10 { break }
            line += byte
        }
        guard let port = UInt16(String(decoding: line, as: UTF8.self)) else {
            stop(process)
            throw ShellError(description: "the local test server did not start")
        }
        return (port, process)
    }

    /// SIGKILL: the test runner's blocked signal mask is inherited, so SIGTERM would be ignored.
    public static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
