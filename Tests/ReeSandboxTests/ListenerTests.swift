import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Synchronization
import Testing

@Suite("Recorder socket") struct ListenerTests {
    @Test("a socket listening inside the sandbox is served by the parent; wget inside gets the body", arguments: testedModes)
    func listenerServesWget(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        let servers = Mutex<[TCPTestServer]>([])
        defer { servers.withLock { $0.forEach { $0.stop() } } }
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "wget -q -O - http://127.0.0.1:3128/hello", mode: mode)
            config.listenPort = 3128
            let run = try await runCaptured(config) { fd in
                let server = TCPTestServer(serving: fd, body: "recorded body")
                servers.withLock { $0.append(server) }
            }
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout == "recorded body")
            #expect(servers.withLock { $0.count } == 1)
        }
    }
}
