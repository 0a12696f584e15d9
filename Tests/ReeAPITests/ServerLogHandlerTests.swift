import Foundation
import Logging
import ReeAPI
import Testing

@Suite("The request log: StreamLogHandler's lines, batched")
struct ServerLogHandlerTests {
    final class Collected: TextOutputStream, @unchecked Sendable {
        var text = ""
        func write(_ string: String) { text += string }
    }

    @Test("ServerLogHandler writes the lines StreamLogHandler writes, in order, once flushed")
    func sameLinesAsStreamLogHandler() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let output = LogOutput(descriptor: fds[1])
        let ours = Logger(label: "ree.serve") { ServerLogHandler(label: $0, output: output, metadataProvider: nil) }
        let collected = Collected()
        let theirs = Logger(label: "ree.serve") { StreamLogHandler(label: $0, stream: collected, metadataProvider: nil) }
        for logger in [ours, theirs] {
            for i in 0..<100 {
                logger.info("request", metadata: ["http.method": "GET", "http.route": "/api/process/status/{uuid}",
                                                  "http.status": "\(200 + i % 5)", "duration_ms": "0", "user": "alice"])
            }
            logger.warning("no metadata")
            logger.error("nested", metadata: ["a": ["b": "c"], "z": ["1", "2"]])
        }
        output.flush()
        close(fds[1])
        let reader = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        let written = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        // The timestamps may differ by a second: compare what follows them.
        func withoutTimes(_ text: String) -> [String] {
            text.split(separator: "\n").map { String($0.drop { $0 != " " }) }
        }
        #expect(withoutTimes(written) == withoutTimes(collected.text))
        #expect(written.split(separator: "\n").count == 102)
        #expect(written.hasSuffix("\n"))
        #expect(written.split(separator: "\n").first?.split(separator: " ").first?.count == "2026-11-29T14:53:22+0000".count)
    }
}
