import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Isolation") struct IsolationTests {
    @Test("the command runs as uid 0 with its own hostname", arguments: testedModes)
    func identityAndHostname(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        if mode == .full { try Requirements.root() }
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "id -u; id -g; hostname; cat /etc/hostname", mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout == "0\n0\nree\nree\n")
            #expect(run.result.idMode.rawValue == mode.rawValue)
            #expect(run.result.rootMode == .overlay)
        }
    }
}
