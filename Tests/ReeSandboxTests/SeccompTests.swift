import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Seccomp") struct SeccompTests {
    @Test("single mode: ownership, identity and device calls succeed without effect")
    func rootEmulation() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let script = """
            touch /tmp/f && chown 1000:1000 /tmp/f && chown -h 1000 /tmp/f && echo chown
            mknod /tmp/dev c 1 3 && echo mknod; ls /tmp/dev 2>/dev/null || echo no-device
            mkfifo /tmp/fifo && ls /tmp/fifo
            su -s /bin/sh user -c 'id -u' 2>&1 | tail -1
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: .single)
            let run = try await runCaptured(config)
            #expect(run.stdout == "chown\nmknod\nno-device\n/tmp/fifo\n0\n", "\(run.stdout) \(run.stderr)")
        }
    }

    @Test("the deny list answers EPERM in both modes", arguments: testedModes)
    func denyList(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let script = """
            unshare -U true 2>&1 | grep -q 'Operation not permitted' && echo unshare-denied
            unshare -n true 2>&1 | grep -q 'Operation not permitted' && echo netns-denied
            swapoff -a 2>&1 | grep -q -i 'not permitted\\|No such' && echo swap-denied
            date -s '2000-01-01' 2>&1 | grep -q 'not permitted' && echo clock-denied
            grep NoNewPrivs /proc/self/status | tr -d '\\t'
            grep Seccomp: /proc/self/status | tr -d '\\t'
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            let run = try await runCaptured(config)
            #expect(run.stdout == "unshare-denied\nnetns-denied\nswap-denied\nclock-denied\nNoNewPrivs:1\nSeccomp:2\n", "\(run.stdout) \(run.stderr)")
        }
    }
}
