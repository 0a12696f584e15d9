import Foundation
@testable import ReeArchive
import ReeOS
import ReeTestSupport
import Testing

/// Layer gzip: one member per 1 MiB block, read back by the tools layers meet (gzip, Python,
/// libarchive; Go's reader in the OCI interop tests), the same bytes however many threads run.
@Suite struct ParallelGzipTests {
    static let block = ParallelGzip.blockSize
    static let sizes = [0, 1, 1000, block - 1, block, block + 1, 3 * block + 12_345]

    /// Text that compresses and noise that does not, in 64 KiB stretches.
    static let input: [UInt8] = {
        var state: UInt64 = 7
        return (0..<(3 * block + 12_345)).map { i in
            if (i >> 16) % 3 == 0 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            return UInt8(ascii: "a") + UInt8(i % 23)
        }
    }()

    func gzip(_ input: ArraySlice<UInt8>, level: Int = 6, blocksInFlight: Int = 4, chunk: Int = 70_000) throws -> [UInt8] {
        let sink = MemorySink()
        let gz = ParallelGzip(level: level, next: sink, name: "test", blocksInFlight: blocksInFlight)
        var offset = input.startIndex
        while offset < input.endIndex {
            let n = min(chunk, input.endIndex - offset)
            try input[offset..<(offset + n)].withUnsafeBytes { try gz.write($0) }
            offset += n
        }
        try gz.finish()
        return sink.bytes
    }

    func file(_ bytes: [UInt8]) throws -> String {
        let path = try makeTemporaryDirectory() + "/data.gz"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: sizes)
    func gzipAndPythonReadEverySize(size: Int) throws {
        try Requirements.tool("gzip")
        try Requirements.tool("python3")
        let original = Self.input.prefix(size)
        let path = try file(gzip(original))
        let expected = SHA256.hex(Array(original))
        let tested = try Shell.run(["gzip", "-t", path])
        #expect(tested.succeeded, "\(tested.stderr)")
        let byGzip = try Shell.check(["sh", "-c", "gzip -dc '\(path)' | sha256sum"])
        #expect(byGzip.hasPrefix(expected))
        let script = "import gzip, hashlib, sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())"
        #expect(try Shell.check(["python3", "-c", script, path]).hasPrefix(expected))
    }

    @Test(arguments: sizes.filter { $0 > 0 })
    func libarchiveReadsEverySize(size: Int) throws {
        let original = Array(Self.input.prefix(size))
        let reader = try ArchiveReader(source: MemorySource(gzip(original[...])), name: "test", formats: [.raw])
        #expect(try reader.next() != nil)
        #expect(try reader.readData() == original)
    }

    @Test func aTarOfManyMembersReadsBackEntryByEntry() throws {
        let tar = MemorySink()
        let writer = try ArchiveWriter(sink: tar, name: "test", options: .deterministic())
        let big = Array(Self.input)
        try writer.write(ArchiveEntry(path: "big", kind: .regular, mode: 0o644), contents: big)
        try writer.write(ArchiveEntry(path: "small", kind: .regular, mode: 0o644), contents: Array("small\n".utf8))
        try writer.finish()
        let reader = try ArchiveReader(source: MemorySource(gzip(tar.bytes[...])), name: "test")
        #expect(try reader.next()?.path == "big")
        #expect(try reader.readData() == big)
        #expect(try reader.next()?.path == "small")
        #expect(try reader.readData() == Array("small\n".utf8))
        #expect(try reader.next() == nil)
    }

    /// One member per block (one for an empty input), each with the same fixed header.
    @Test(arguments: [(0, 1), (1, 1), (block, 1), (block + 1, 2), (3 * block + 12_345, 4)])
    func everyBlockIsOneMemberWithAFixedHeader(size: Int, members: Int) throws {
        try Requirements.tool("python3")
        let path = try file(gzip(Self.input.prefix(size)))
        let script = """
            import sys, zlib
            data = open(sys.argv[1], 'rb').read()
            headers = set()
            count = 0
            while data:
                headers.add(data[:10].hex())
                d = zlib.decompressobj(31)
                d.decompress(data)
                assert d.eof
                data = d.unused_data
                count += 1
            print(count, *sorted(headers))
            """
        let out = try Shell.check(["python3", "-c", script, path])
        #expect(out == "\(members) 1f8b0800000000000003\n")
    }

    @Test func theBytesDoNotDependOnThreadsOrWriteSizes() throws {
        let reference = try gzip(Self.input[...], blocksInFlight: 1, chunk: Self.input.count)
        for inFlight in [1, 2, 3, 16] {
            for chunk in [1_000, 70_000, Self.block, Self.block + 7] {
                #expect(try gzip(Self.input[...], blocksInFlight: inFlight, chunk: chunk) == reference, "\(inFlight) \(chunk)")
            }
        }
    }

    @Test(arguments: [1, 9])
    func otherLevelsRoundTrip(level: Int) throws {
        let original = Array(Self.input.prefix(2 * Self.block + 5))
        let reader = try ArchiveReader(source: MemorySource(gzip(original[...], level: level)), name: "test", formats: [.raw])
        #expect(try reader.next() != nil)
        #expect(try reader.readData() == original)
    }
}
