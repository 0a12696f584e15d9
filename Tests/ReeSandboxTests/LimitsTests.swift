import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Limits") struct LimitsTests {
    /// Host pids whose command line contains `marker`.
    private func hostProcesses(containing marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }
    }

    @Test("at the time limit the whole tree is killed and the result says timedOut", arguments: testedModes)
    func timeoutKillsEverything(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        let marker = "7\(getpid())\(mode == .full ? 1 : 2)"   // unique: the unprivileged re-run runs this too
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "sleep \(marker) & sleep \(marker)", mode: mode)
            config.limits.timeout = .seconds(2)
            let start = ContinuousClock.now
            let run = try await runCaptured(config)
            let elapsed = ContinuousClock.now - start
            #expect(run.result.timedOut)
            #expect(run.result.exitCode == nil)
            #expect(run.result.signal == SIGKILL)
            #expect(elapsed >= .seconds(2) && elapsed < .seconds(3600), "\(elapsed)")   // killed long before the sleep (987654... s) ends
            #expect(hostProcesses(containing: "sleep\0\(marker)").isEmpty)
        }
    }

    @Test("exit codes and signals of the command come back")
    func exitStatus() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "exit 42", mode: .single)
            let exited = try await runCaptured(config)
            #expect(exited.result.exitCode == 42 && exited.result.signal == nil && !exited.result.timedOut)
            var killed = config
            killed.argv = ["/bin/sh", "-c", "kill -TERM $$; sleep 5"]
            let signalled = try await runCaptured(killed)
            #expect(signalled.result.signal == SIGTERM && signalled.result.exitCode == nil)
        }
    }

    /// The ways a process limit is enforced: RLIMIT_NPROC for a host uid other than 0 (full mode as uid
    /// 1000, or any unprivileged run), the pids cgroup for host uid 0 (root in single mode, or as uid 0).
    static var processLimitCases: [(SandboxConfiguration.UserNamespaceMode, UInt32)] {
        geteuid() == 0 ? [(.full, 1000), (.full, 0), (.single, 0)] : Sandbox.canMapFullRange ? [(.full, 1000), (.single, 0)] : [(.single, 0)]
    }

    /// Whether this host can bound the processes of `config` (as root, only with a pids cgroup).
    private func processLimitEnforced(_ config: SandboxConfiguration) async throws -> Bool {
        guard geteuid() == 0, config.uid == 0 || config.userNamespace == .single else { return true }
        var probe = config
        probe.argv = ["/bin/true"]
        let run = try await runCaptured(probe)
        if let note = run.result.notes.first(where: { $0.hasPrefix("pids limit not applied") }) {
            print("skipped: host uid 0 needs a pids cgroup for its process limit: \(note)")
            return false
        }
        return true
    }

    @Test("the process limit holds", arguments: processLimitCases)
    func processLimit(mode: SandboxConfiguration.UserNamespaceMode, uid: UInt32) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let script = """
            sh -c 'i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i+1)); done' 2>/dev/null
            set -- /proc/[0-9]*; echo $#
            """
            var (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            config.uid = uid
            config.gid = uid
            config.limits.maxProcesses = 20
            config.limits.timeout = .seconds(20)
            guard try await processLimitEnforced(config) else { return }
            let run = try await runCaptured(config)
            let count = Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            // The limit's 20 processes of the command's user, plus the init.
            #expect(count > 0 && count <= 22, "out: \(run.stdout) err: \(run.stderr) \(run.result)")
            #expect(!run.result.timedOut)
        }
    }

    @Test("a fork bomb is contained and the sandbox still returns", .timeLimit(.minutes(1)), arguments: processLimitCases)
    func forkBomb(mode: SandboxConfiguration.UserNamespaceMode, uid: UInt32) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", mode: mode)
            config.uid = uid
            config.gid = uid
            config.limits.maxProcesses = 64
            config.limits.timeout = .seconds(4)
            guard try await processLimitEnforced(config) else { return }
            let run = try await runCaptured(config)
            #expect(run.result.exitCode != nil || run.result.timedOut)
            // The host can still fork and the bomb's processes are gone.
            #expect(try Shell.run(["/bin/true"]).succeeded)
        }
    }

    @Test("open files and file size limits apply")
    func fileLimits() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "ulimit -c; ulimit -n; dd if=/dev/zero of=/tmp/big bs=1024 count=64 2>/dev/null; echo $?", mode: .single)
            config.limits.maxOpenFiles = 123
            config.limits.maxFileSize = 16384
            let run = try await runCaptured(config)
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "0")   // no core files
            #expect(lines.count > 1 && lines[1] == "123")
            // dd is killed by SIGXFSZ (exit status 128 + 25).
            #expect(lines.last == "153", "\(run.stdout)")
        }
    }

    @Test("a memory limit is applied through cgroup v2 or the result says why not")
    func memoryLimit() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "cat /proc/self/cgroup", mode: .auto)
            config.limits.memoryBytes = 256 << 20
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0)
            let applied = run.stdout.contains("ree-sandbox-")
            #expect(applied || run.result.notes.contains { $0.hasPrefix("memory limit not applied") }, "\(run.result.notes)")
        }
    }
}
