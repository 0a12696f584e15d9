import Foundation
import ReeSandbox
import ReeTestSupport
import Testing

/// Single mode without any privilege: this test binary runs the sandbox suites again as uid/gid 65534
/// (`setpriv`), where `testedModes` is `[.single]` and root-only tests skip. A test process cannot drop
/// privileges itself (Swift threads share credentials), so the drop happens in a fresh process.
@Suite("Unprivileged") struct UnprivilegedTests {
    static let nobody = "65534"

    @Test("the sandbox suites pass as an unprivileged user in single mode", .timeLimit(.minutes(3)))
    func suitesPassUnprivileged() throws {
        guard geteuid() == 0 else { return }   // this is the re-run itself, or a run without root
        let setpriv = try requireTool("setpriv")
        try requireSandbox()
        var exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let drop = [setpriv, "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", "/usr/bin/env", "-i",
                    "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "TMPDIR=/tmp"]
        // A checkout under /root is out of reach of uid 65534: run a copy of the test binary then.
        let copy = try makeTemporaryDirectory(prefix: "ree-unprivileged")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        if !(try Shell.run(drop + ["/bin/sh", "-c", "test -x '\(exe)'"]).succeeded) {
            chmod(copy, 0o755)
            try FileManager.default.copyItem(atPath: exe, toPath: "\(copy)/tests")
            exe = "\(copy)/tests"
        }
        guard try Shell.run(drop + ["/bin/sh", "-c", "test -x '\(exe)'"]).succeeded else {
            try Requirements.missing("the test binary '\(exe)' is not executable by uid \(Self.nobody)")
            return
        }
        let run = try Shell.run(drop + [exe, "--testing-library", "swift-testing", "--filter", "ReeSandboxTests",
                                        "--skip", "UnprivilegedTests"])
        let output = run.stdout + run.stderr
        #expect(run.succeeded, "\(output)")
        #expect(!output.contains("✘"), "\(output)")
        // Something really ran: the single-mode identity test passed.
        #expect(output.contains("Test \"the command runs as uid 0 with its own hostname\" with 1 test case passed"), "\(output)")
    }
}
