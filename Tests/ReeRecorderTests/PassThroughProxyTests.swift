import Foundation
import ReeOS
import ReeRecorder
import ReeTestSupport
import Synchronization
import Testing

/// The pass-through mode the SBOM strategy uses: the client gets what the origin sent (the mode has
/// no WARC writer at all), and the observer learns each exchange with the body's sha256 and size.
@Suite struct PassThroughProxyTests {
    @Test func forwardsHTTPAndHTTPSAndReportsEachExchangeWithItsDigest() async throws {
        let dir = try makeTemporaryDirectory(prefix: "ree-passthrough")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let site = dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        let hello = Array("hello over http\n".utf8)
        try Data(hello).write(to: URL(fileURLWithPath: site + "/hello.txt"))
        let big = [UInt8]((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try Data(big).write(to: URL(fileURLWithPath: site + "/pkg-1.0-py3-none-any.whl"))
        let server = try ProxyFixtures.startServer(directory: site)
        defer { ProxyFixtures.stop(server.process) }
        let certificate = try ProxyFixtures.serverCertificate(in: dir)
        let tlsServer = try ProxyFixtures.startServer(directory: site, tls: certificate)
        defer { ProxyFixtures.stop(tlsServer.process) }
        let refused = ProxyFixtures.closedPort()

        let ca = try CertificateAuthority.generate()
        let caFile = dir + "/ca.crt"
        try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        var upstream = UpstreamConfiguration()
        upstream.caFile = certificate.cert
        let seen = Mutex<[ObservedExchange]>([])
        let (_, log) = ProxyFixtures.lines()
        let proxy = try RecordingProxy(mode: .passThrough(upstream, observer: { e in seen.withLock { $0.append(e) } }), authority: ca, log: log)
        let port = try proxy.listen(step: "step 4, line 7")

        let http = "http://127.0.0.1:\(server.port)"
        let https = "https://127.0.0.1:\(tlsServer.port)"
        #expect(try ProxyFixtures.curl(http + "/hello.txt", proxy: port, caFile: caFile) == (200, "hello over http\n"))
        #expect(try ProxyFixtures.curl(https + "/hello.txt", proxy: port, caFile: caFile) == (200, "hello over http\n"))
        #expect(try ProxyFixtures.curl(http + "/missing", proxy: port, caFile: caFile).status == 404)
        #expect(try ProxyFixtures.curl("http://127.0.0.1:\(refused)/x", proxy: port, caFile: caFile).status == 502)
        let wheel = try ProxyFixtures.curl(https + "/pkg-1.0-py3-none-any.whl", proxy: port, caFile: caFile, output: dir + "/wheel")
        #expect(wheel.status == 200)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/wheel")) == Data(big))
        proxy.stopAndWait()

        let exchanges = seen.withLock { $0 }
        #expect(exchanges.count == 5)
        #expect(proxy.upstreamRequests == 5)
        #expect(exchanges.allSatisfy { $0.step == "step 4, line 7" && $0.method == "GET" })
        let byURL = Dictionary(exchanges.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byURL[http + "/hello.txt"] == ObservedExchange(step: "step 4, line 7", method: "GET", url: http + "/hello.txt",
                                                               status: 200, sha256: SHA256.hex(hello), size: Int64(hello.count)))
        #expect(byURL[https + "/hello.txt"]?.sha256 == SHA256.hex(hello))
        #expect(byURL[http + "/missing"]?.status == 404)
        #expect(byURL["http://127.0.0.1:\(refused)/x"]?.status == 502)
        #expect(byURL[https + "/pkg-1.0-py3-none-any.whl"]?.sha256 == SHA256.hex(big))
        #expect(byURL[https + "/pkg-1.0-py3-none-any.whl"]?.size == Int64(big.count))
    }
}
