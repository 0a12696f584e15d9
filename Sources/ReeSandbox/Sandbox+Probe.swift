#if canImport(Glibc)
import Glibc
#endif
import ReeOS
import Synchronization

extension Sandbox {
    private static let overlayProbe = Mutex<Bool?>(nil)

    /// Whether `.full` (and so `.auto`) maps uid/gid 0...65535 here: we are root, or `newuidmap` and
    /// `newgidmap` exist with a subordinate range of 65535 ids for us in /etc/subuid and /etc/subgid.
    public static var canMapFullRange: Bool { (try? IDMapping.resolve(.full)) != nil }

    /// Whether an overlay can be mounted inside the sandbox's user namespace here (kernel ≥ 5.11 with
    /// unprivileged overlay, a backing filesystem that supports it). Checked once per process by setting
    /// up a sandbox over empty directories (no command runs: the exec of a missing binary ends it).
    /// Where this is false, give `run` a `.directory` root (a copy) instead.
    public static func canMountOverlay(scratch: String? = nil) async -> Bool {
        if let known = overlayProbe.withLock({ $0 }) { return known }
        let base = scratch ?? (getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array("\(base)/ree-overlay-probe.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return false }
        let dir = String(cString: made)
        defer { removeTree(dir) }
        for sub in ["lower", "upper", "work"] where mkdir("\(dir)/\(sub)", 0o755) != 0 { return false }
        let configuration = SandboxConfiguration(root: .overlay(lower: ["\(dir)/lower"], upper: "\(dir)/upper", work: "\(dir)/work"),
                                                 argv: ["/ree-overlay-probe"], userNamespace: .single)
        let works: Bool
        do {
            _ = try await run(configuration, output: .discard)
            works = true
        } catch let error as ReeError {
            works = error.code != .unsupported
        } catch {
            works = false
        }
        overlayProbe.withLock { $0 = works }
        return works
    }
}
