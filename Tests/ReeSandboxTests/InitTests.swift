import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Init") struct InitTests {
    @Test("pid 1 forwards SIGTERM to the command")
    func forwardsSignals() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let script = "trap 'echo got-term; exit 7' TERM; kill -TERM 1; i=0; while [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; echo not-forwarded"
            var (config, _, _) = try overlayConfiguration(in: dir, script, mode: .single)
            config.limits.timeout = .seconds(20)
            let run = try await runCaptured(config)
            #expect(run.stdout == "got-term\n", "\(run.stdout) \(run.stderr)")
            #expect(run.result.exitCode == 7)
        }
    }

    @Test("pid 1 reaps orphaned zombies")
    func reapsZombies() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            // The subshell exits at once; its child is reparented to pid 1 and must not stay a zombie.
            let script = "(sleep 0.2 &); sleep 1; ps -o stat,comm | grep -c '^ *Z' || true"
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: .single)
            let run = try await runCaptured(config)
            #expect(run.stdout == "0\n", "\(run.stdout) \(run.stderr)")
        }
    }

    @Test("captured runs have no controlling terminal")
    func noTerminal() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "echo x > /dev/tty || echo no-tty", mode: .single)
            let run = try await runCaptured(config)
            #expect(run.stdout == "no-tty\n", "\(run.stdout) \(run.stderr)")
        }
    }

    @Test("overlay support is detected")
    func overlayProbe() async throws {
        try requireSandbox()
        #expect(await Sandbox.canMountOverlay())
    }
}
