import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Synchronization
import Testing

/// What a captured run printed, and how it ended.
struct CapturedRun {
    var result: SandboxResult
    var stdout: String
    var stderr: String
}

final class OutputCollector: Sendable {
    private let data = Mutex<([UInt8], [UInt8])>(([], []))
    func append(_ stream: SandboxOutput.Stream, _ bytes: [UInt8]) {
        data.withLock { if stream == .stdout { $0.0 += bytes } else { $0.1 += bytes } }
    }
    var stdout: String { data.withLock { String(decoding: $0.0, as: UTF8.self) } }
    var stderr: String { data.withLock { String(decoding: $0.1, as: UTF8.self) } }
}

/// Runs `configuration` with captured output.
func runCaptured(_ configuration: SandboxConfiguration, listener: (@Sendable (Int32) -> Void)? = nil) async throws -> CapturedRun {
    let collector = OutputCollector()
    let result = try await Sandbox.run(configuration, output: .capture { collector.append($0, $1) }, listener: listener)
    return CapturedRun(result: result, stdout: collector.stdout, stderr: collector.stderr)
}

/// Skips unless this machine can run the sandbox: busybox-static, unprivileged user namespaces.
func requireSandbox() throws {
    if !FileManager.default.isExecutableFile(atPath: SandboxFixtures.busyboxPath) {
        try Requirements.missing("needs \(SandboxFixtures.busyboxPath) (busybox-static)")
    }
    if let max = try? String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8),
       Int(max.trimmingCharacters(in: .whitespacesAndNewlines)) == 0 {
        try Requirements.missing("needs user namespaces (user.max_user_namespaces is 0)")
    }
}

/// A sandbox over a fresh busybox overlay in `directory`, running `script` with /bin/sh -c.
func overlayConfiguration(in directory: String, _ script: String, mode: SandboxConfiguration.UserNamespaceMode = .auto) throws -> (SandboxConfiguration, lower: String, upper: String) {
    let dirs = try SandboxFixtures.makeOverlayDirectories(in: directory)
    let config = SandboxConfiguration(root: .overlay(lower: [dirs.lower], upper: dirs.upper, work: dirs.work),
                                      argv: ["/bin/sh", "-c", script], userNamespace: mode)
    return (config, dirs.lower, dirs.upper)
}

/// The id modes this process can exercise: full as root, single always. The unprivileged re-run of
/// these tests (`UnprivilegedTests`) exercises single mode only.
var testedModes: [SandboxConfiguration.UserNamespaceMode] { Sandbox.canMapFullRange ? [.full, .single] : [.single] }

/// Skips a full-mode case where no full range can be mapped (neither root nor newuidmap with a range).
func requireMode(_ mode: SandboxConfiguration.UserNamespaceMode) throws {
    if mode == .full && !Sandbox.canMapFullRange {
        try Requirements.missing("full id mapping needs root, or newuidmap/newgidmap and a subordinate id range")
    }
}

/// The host id of an id inside the sandbox, by the result's map.
func hostID(_ inside: UInt32, _ map: [IDRange]) -> UInt32? {
    for range in map where inside >= range.inside && inside - range.inside < range.count {
        return range.outside + (inside - range.inside)
    }
    return nil
}

/// The path of a tool in the usual directories, or a skip (a failure in CI).
func requireTool(_ name: String) throws -> String {
    for dir in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
        return "\(dir)/\(name)"
    }
    try Requirements.missing("needs the tool '\(name)'")
    return name
}
