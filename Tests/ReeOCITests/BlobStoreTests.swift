import Foundation
import ReeArchive
import ReeOCI
import ReeOS
import Testing

@Suite struct BlobStoreTests {
    @Test func putThenReadVerifies() throws {
        let store = try makeStore()
        let d = try store.blobs.put(Array("hello".utf8), mediaType: .ociConfig)
        #expect(d.digest == Digest.sha256(of: Array("hello".utf8)))
        #expect(try store.blobs.read(d.digest) == Array("hello".utf8))
    }

    @Test func aCorruptedBlobIsDetectedOnRead() throws {
        let store = try makeStore()
        let d = try store.blobs.put(Array("hello world".utf8), mediaType: .ociConfig)
        try Data("hellO world".utf8).write(to: URL(fileURLWithPath: store.blobs.path(d.digest)))
        let error = #expect(throws: ReeError.self) { try store.blobs.read(d.digest) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains(d.digest.encoded) == true)
    }

    @Test func aWrongSizeIsDetected() throws {
        let store = try makeStore()
        let d = try store.blobs.put(Array("0123456789".utf8), mediaType: .ociConfig)
        let reader = try store.blobs.open(d.digest, expectedSize: 5)
        var buf = [UInt8](repeating: 0, count: 100)
        #expect(throws: ReeError.self) {
            while try buf.withUnsafeMutableBytes({ try reader.read(into: $0) }) > 0 {}
        }
    }

    @Test func ingestWithTheWrongDigestStoresNothing() throws {
        let store = try makeStore()
        let wrong = Digest.sha256(of: Array("other".utf8))
        #expect(throws: ReeError.self) {
            try store.blobs.ingest(from: MemorySource(Array("content".utf8)), expected: wrong, name: "x")
        }
        #expect(try store.blobs.all().isEmpty)
        #expect(try FileSystem.listDirectory(store.home + "/tmp").isEmpty, "no temporary file left behind")
    }

    @Test func missingBlobIsNotFound() throws {
        let store = try makeStore()
        let error = #expect(throws: ReeError.self) { try store.blobs.read(Digest.sha256(of: [1])) }
        #expect(error?.code == .notFound)
    }
}
