import Foundation
import ReeArchive
import ReeOS
import ReeTestSupport
import Testing

/// WARC records need one gzip member each, however large: GzipMemberSink never splits
/// (no name, no mtime in the header, so the bytes depend on the input and level only).
@Suite struct GzipMemberSinkTests {
    @Test(arguments: [0, 1, 3 * ParallelGzipTests.block + 12_345])
    func writesExactlyOneMemberThatDecompressesToTheInput(size: Int) throws {
        try Requirements.tool("python3")
        let input = ParallelGzipTests.input.prefix(size)
        let sink = MemorySink()
        let gz = try GzipMemberSink(level: 1, next: sink, name: "test")
        var offset = input.startIndex
        while offset < input.endIndex {
            let n = min(70_000, input.endIndex - offset)
            try input[offset..<(offset + n)].withUnsafeBytes { try gz.write($0) }
            offset += n
        }
        try gz.finish()
        let path = try makeTemporaryDirectory() + "/data.gz"
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        let script = """
            import hashlib, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            d = zlib.decompressobj(31)
            out = d.decompress(data)
            assert d.eof and not d.unused_data, "more than one member"
            print(data[:8].hex(), hashlib.sha256(out).hexdigest())
            """
        let expected = SHA256.hex(Array(input))
        #expect(try Shell.check(["python3", "-c", script, path]) == "1f8b080000000000 \(expected)\n")
    }
}
