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
        let hello = Array("hello over http\n".utf8)
        let big = [UInt8]((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let sites = try ProxySites(files: ["hello.txt": hello, "pkg-1.0-py3-none-any.whl": big], prefix: "ree-passthrough")
        defer { sites.stop() }
        let (dir, http, https, refused, ca, caFile, upstream) = (sites.dir, sites.http, sites.https, sites.refused, sites.ca, sites.caFile, sites.upstream)
        let seen = Mutex<[ObservedExchange]>([])
        let (_, log) = ProxyFixtures.lines()
        let proxy = try RecordingProxy(mode: .passThrough(upstream, observer: { e in seen.withLock { $0.append(e) } }), authority: ca, log: log)
        let port = try proxy.listen(step: "step 4, line 7")

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
