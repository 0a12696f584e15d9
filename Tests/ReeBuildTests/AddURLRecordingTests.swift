import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

/// `ADD <URL>` under the recording strategy: the builder's download goes through the recorder's
/// proxy at define (so it is in the WARC), and the build replays it with the origins gone.
@Suite struct AddURLRecordingTests {
    @Test func anADDURLIsRecordedAtDefineAndReplayedOfflineToTheSameImage() async throws {
        try Requirements.root()
        let site = try AddURLTests.Site()
        try site.put("tool.bin", "#!/bin/sh\necho tool\n", mtime: 1_000_000)
        try site.put("notes.txt", "notes\n")
        // The same files over TLS: the download is intercepted with the recording's CA.
        let tls = try TLSServer(directory: site.directory)
        let project = try BuildFixtures.project(["Dockerfile": """
            FROM scratch
            ADD --chmod=755 \(site.base)/tool.bin /usr/bin/
            ADD --checksum=sha256:\(try site.sha256("notes.txt")) https://127.0.0.1:\(tls.port)/notes.txt /etc/notes
            ADD https://127.0.0.1:\(tls.port)/tool.bin http://127.0.0.1:\(site.server.port)/notes.txt /both/
            """])
        let dir = try makeTemporaryDirectory(prefix: "ree-add-rec")
        let ree = dir + "/add.zip", out = dir + "/out.zip"
        let defineStore = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-add-define"))
        let definition = try await RecordingFixtures.define(project, in: defineStore, output: ree) {
            $0.upstream.caFile = tls.certificate
            $0.tag = try? ImageName("defined")
        }
        #expect((definition.manifest.recording?.exchanges ?? 0) == 4, "every download went through the recorder")

        site.server.stop()
        tls.stop()
        let buildStore = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-add-build"))
        let (report, lines) = try await RecordingFixtures.build(ree, in: buildStore, output: out) { $0.tag = try? ImageName("rebuilt") }
        #expect(report.upstreamRequests == 0)
        #expect(report.unrecordedRequests == [])
        #expect(report.identical, "\(report.differences.map { "\($0)" } ?? "")\n\(lines.joined(separator: "\n"))")
        #expect(report.buildDigest == definition.manifest.imageDigest)

        let layers = try LayerEntry.layers(of: try buildStore.resolve("rebuilt"), in: buildStore)
        try #require(layers.count == 3)
        #expect(layers[0]["usr/bin/tool.bin"]?.mode == 0o755)
        #expect(layers[1]["etc/notes"]?.data == "notes\n")
        #expect(layers[2]["both/tool.bin"]?.data == "#!/bin/sh\necho tool\n")
        #expect(layers[2]["both/notes.txt"]?.mode == 0o600)
    }
}

/// The served directory over TLS with a self-signed certificate for 127.0.0.1.
final class TLSServer: @unchecked Sendable {
    let port: UInt16
    let certificate: String
    private let process: Process

    init(directory: String) throws {
        try Requirements.tool("openssl")
        let dir = try makeTemporaryDirectory(prefix: "ree-tls")
        certificate = dir + "/server.crt"
        let key = dir + "/server.key"
        try Shell.check(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        (port, process) = try ScriptServer.start("""
            import http.server, ssl, sys, functools
            class H(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *a): pass
            s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """, arguments: [directory, certificate, key])
    }

    func stop() { ScriptServer.stop(process) }
}
