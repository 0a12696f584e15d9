import Foundation
import ReeOS
import ReeRecorder
import ReeTestSupport
import Testing

@Suite struct RecordingProxyTests {
    /// Records http and https (intercepted) exchanges, a 404 and a refused connection, then replays
    /// them with no upstream at all.
    @Test func recordsAndReplaysHTTPAndHTTPSIncludingFailures() async throws {
        let big = [UInt8]((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let sites = try ProxySites(files: ["hello.txt": Array("hello over http\n".utf8), "big.bin": big], prefix: "ree-proxy")
        defer { sites.stop() }
        let (dir, http, https, refused, ca, caFile, upstream) = (sites.dir, sites.http, sites.https, sites.refused, sites.ca, sites.caFile, sites.upstream)
        let writer = try WARCWriter(directory: dir + "/recording")
        let (_, log) = ProxyFixtures.lines()
        let recorder = try RecordingProxy(mode: .record(writer, upstream), authority: ca, log: log)
        let port = try recorder.listen()

        var recorded: [String: (Int, String)] = [:]
        for url in [http + "/hello.txt", http + "/missing", https + "/hello.txt", "http://127.0.0.1:\(refused)/x"] {
            recorded[url] = try ProxyFixtures.curl(url, proxy: port, caFile: caFile)
        }
        let bigRecorded = try ProxyFixtures.curl(https + "/big.bin", proxy: port, caFile: caFile, output: dir + "/big.recorded")
        #expect(bigRecorded.status == 200)
        recorder.stopAndWait()
        #expect(try writer.finish() == 5)
        #expect(recorder.upstreamRequests == 5)
        #expect(recorded[http + "/hello.txt"]! == (200, "hello over http\n"))
        #expect(recorded[https + "/hello.txt"]! == (200, "hello over http\n"))
        #expect(recorded[http + "/missing"]!.0 == 404)
        let refusedAnswer = recorded["http://127.0.0.1:\(refused)/x"]!
        #expect(refusedAnswer.0 == 502)
        #expect(refusedAnswer.1.contains("upstream request failed"))

        // Replay: the servers are gone; nothing may go upstream.
        sites.stop()
        let recording = try Recording(directory: dir + "/recording", payloadDirectory: dir + "/payloads")
        #expect(recording.exchangeCount == 5)
        let (lines, replayLog) = ProxyFixtures.lines()
        let replayer = try RecordingProxy(mode: .replay(recording), authority: ca, log: replayLog)
        let replayPort = try replayer.listen()
        for (url, answer) in recorded {
            let replayed = try ProxyFixtures.curl(url, proxy: replayPort, caFile: caFile)
            #expect(replayed == answer, "\(url)")
        }
        let bigReplayed = try ProxyFixtures.curl(https + "/big.bin", proxy: replayPort, caFile: caFile, output: dir + "/big.replayed")
        #expect(bigReplayed.status == 200)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/big.replayed")) == Data(big))
        let unrecorded = try ProxyFixtures.curl(http + "/never", proxy: replayPort)
        #expect(unrecorded.status == 502)
        #expect(unrecorded.body.contains("unrecorded request: GET \(http)/never"))
        replayer.stopAndWait()
        #expect(replayer.upstreamRequests == 0)
        #expect(lines.all.contains("unrecorded request: GET \(http)/never"))
        #expect(replayer.unrecordedRequests == ["GET \(http)/never"])

        // warcio accepts the files.
        try Self.warcio(["check", "-v", dir + "/recording/recording.warc.gz"])
        let index = try Self.warcio(["index", "-f", "warc-type,warc-target-uri,http:status", dir + "/recording/recording.warc.gz"])
        #expect(index.contains("\"warc-type\": \"response\""))
        #expect(index.contains("\"http:status\": \"404\""))
        let cdxj = try String(contentsOfFile: dir + "/recording/index.cdxj", encoding: .utf8)
        #expect(cdxj.split(separator: "\n").count == 5)
    }

    @Test func aChangedByteInARecordedBodyIsRefused() async throws {
        let dir = try makeTemporaryDirectory(prefix: "ree-proxy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/site", withIntermediateDirectories: true)
        try "the original body\n".write(toFile: dir + "/site/a.txt", atomically: true, encoding: .utf8)
        let server = try ProxyFixtures.startServer(directory: dir + "/site")
        defer { ProxyFixtures.stop(server.process) }
        let ca = try CertificateAuthority.generate()
        let writer = try WARCWriter(directory: dir + "/recording")
        let recorder = try RecordingProxy(mode: .record(writer, UpstreamConfiguration()), authority: ca) { _ in }
        let port = try recorder.listen()
        #expect(try ProxyFixtures.curl("http://127.0.0.1:\(server.port)/a.txt", proxy: port).status == 200)
        recorder.stopAndWait()
        try writer.finish()
        _ = try Recording(directory: dir + "/recording", payloadDirectory: dir + "/p1")

        // Rewrite the WARC with one body byte changed (gzip members re-made, digests kept).
        let warc = dir + "/recording/recording.warc.gz"
        let plain = try Shell.run(["sh", "-c", "zcat '\(warc)' | sed 's/the original body/the 0riginal body/' | gzip > '\(warc).new' && mv '\(warc).new' '\(warc)'"])
        #expect(plain.succeeded)
        #expect(throws: ReeError.self) { _ = try Recording(directory: dir + "/recording", payloadDirectory: dir + "/p2") }
        do {
            _ = try Recording(directory: dir + "/recording", payloadDirectory: dir + "/p3")
        } catch let error as ReeError {
            #expect(error.code == .corrupt)
            #expect(error.message.contains("Payload-Digest") || error.message.contains("Block-Digest"))
        }
    }

    @discardableResult
    static func warcio(_ arguments: [String]) throws -> String {
        let python = try Requirements.tool("python3")
        let probe = try Shell.run([python, "-c", "import warcio"])
        if !probe.succeeded { try Requirements.missing("needs the Python package warcio (pip install warcio)") }
        let r = try Shell.run([python, "-m", "warcio.cli"] + arguments)
        if !r.succeeded { Issue.record("warcio \(arguments.joined(separator: " ")) failed: \(r.stdout) \(r.stderr)") }
        return r.stdout
    }
}
