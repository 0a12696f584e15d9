import Foundation
import ReeArchive
import ReeOS
import ReeTestSupport
import Testing

@Suite struct CompressingSinkTests {
    /// Several blocks of mixed content: text that compresses, noise that does not.
    static let input: [UInt8] = {
        var bytes: [UInt8] = []
        var state: UInt64 = 42
        for i in 0..<(5 << 20) {
            if (i >> 16) % 3 == 0 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            } else {
                bytes.append(UInt8(ascii: "a") + UInt8(i % 23))
            }
        }
        return bytes
    }()

    func compress(_ compression: ArchiveCompression, _ input: [UInt8], chunk: Int = 70_000) throws -> [UInt8] {
        let sink = MemorySink()
        let c = try CompressingSink(compression, next: sink, name: "test")
        var offset = 0
        while offset < input.count {
            let n = min(chunk, input.count - offset)
            try input.withUnsafeBytes { try c.write(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
            offset += n
        }
        try c.finish()
        return sink.bytes
    }

    @Test(arguments: [ArchiveCompression.gzip(level: 6), .gzip(level: 1), .zstd(level: 3)])
    func decompressesToTheInputWithTheStandardTools(_ compression: ArchiveCompression) throws {
        let tool: [String]
        switch compression {
        case .zstd: tool = ["zstd", "-dc"]
        default: tool = ["gzip", "-dc"]
        }
        try Requirements.tool(tool[0])
        let compressed = try compress(compression, Self.input)
        let dir = try makeTemporaryDirectory()
        try Data(compressed).write(to: URL(fileURLWithPath: dir + "/c"))
        let out = try Shell.run(["sh", "-c", "\(tool.joined(separator: " ")) \(dir)/c | sha256sum"])
        #expect(out.succeeded, "\(out.stderr)")
        #expect(out.stdout.hasPrefix(SHA256.hex(Self.input)))
    }

    @Test(arguments: [ArchiveCompression.gzip(level: 6), .zstd(level: 3)])
    func theSameInputGivesTheSameBytesHoweverItIsWritten(_ compression: ArchiveCompression) throws {
        #expect(try compress(compression, Self.input, chunk: 70_000) == compress(compression, Self.input, chunk: 1 << 20))
    }

    @Test func emptyAndTinyInputsAreValidGzip() throws {
        for input in [[UInt8](), Array("x".utf8)] {
            let compressed = try compress(.gzip(level: 6), input)
            #expect(compressed.prefix(4) == [0x1f, 0x8b, 8, 0])
            #expect(compressed[9] == 3)
            try Requirements.tool("gzip")
            let r = try Shell.run(["gzip", "-dc"], input: Data(compressed))
            #expect(r.succeeded && r.stdout == String(decoding: input, as: UTF8.self), "\(r.stderr)")
        }
    }
}
