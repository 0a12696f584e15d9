import Foundation
import ReeArchive
import ReeOS
import Synchronization

/// A response on its way into the recording: its head, and its body spooled to a file as it
/// passes to the client (so a body of any size costs no memory). The digests are computed from
/// the spool after the client has its answer, off the streaming path.
final class ResponseSpool {
    let head: HTTPHead
    let path: String
    private let fd: FileDescriptor
    private(set) var length: Int64 = 0

    init(head: HTTPHead, directory: String) throws {
        self.head = head
        let file = try FileSystem.makeTemporaryFile(in: directory, prefix: "spool-")
        fd = file
        path = file.path
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        try fd.writeAll(buffer)
        length += Int64(buffer.count)
    }

    /// The block digest (head and body) and the payload digest (body), in one pass over the spool.
    func finish() throws -> (block: String, payload: String) {
        let block = SHA1Base32(), payload = SHA1Base32()
        block.update(head.bytes)
        try fd.seek(to: 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try fd.read(into: buffer)
            if n == 0 { break }
            let piece = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            block.update(piece)
            payload.update(piece)
        }
        return (block.finalize(), payload.finalize())
    }

    func copy(to sink: ByteSink) throws {
        try fd.seek(to: 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try fd.read(into: buffer)
            if n == 0 { break }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    func remove() { unlink(path) }
}

/// One request and the response the client saw.
struct RecordedExchange {
    var url: String
    var method: String
    /// The request as sent upstream (origin-form start line, no hop-by-hop fields) and its body.
    var request: HTTPHead
    var requestBody: [UInt8]
    var response: ResponseSpool
}

/// Writes WARC/1.1 records (one gzip member each: warcinfo, then response + request pairs linked
/// by `WARC-Concurrent-To`) and, at the end, a sorted CDXJ index.
public final class WARCWriter: @unchecked Sendable {
    public let directory: String
    public let fileName: String
    let spoolDirectory: String
    private struct State {
        var fd: FileDescriptor
        var index: [String] = []
        var records = 0
    }
    private let state: Mutex<State?>

    /// Starts `directory/fileName` (a `.warc.gz`), with a warcinfo record naming the tool.
    public init(directory: String, fileName: String = "recording.warc.gz", software: String = "ree") throws {
        self.directory = directory
        self.fileName = fileName
        try FileSystem.createDirectory(directory)
        spoolDirectory = directory + "/.spool"
        try FileSystem.createDirectory(spoolDirectory)
        let fd = try FileDescriptor.open(directory + "/" + fileName, O_WRONLY | O_CREAT | O_TRUNC)
        state = Mutex(State(fd: fd))
        let info = Array("software: \(software)\r\nformat: WARC File Format 1.1\r\n".utf8)
        _ = try Self.writeRecord(to: fd, fields: [
                ("WARC-Type", "warcinfo"), ("WARC-Record-ID", Self.recordID()), ("WARC-Date", Self.warcDate()),
                ("WARC-Filename", fileName), ("Content-Type", "application/warc-fields"),
                ("WARC-Block-Digest", SHA1Base32.digest(info)),
            ], block: MemorySource(info), length: Int64(info.count))
    }

    /// Appends the response and request records of one exchange and its index line.
    func write(_ exchange: RecordedExchange) throws {
        let digests = try exchange.response.finish()
        let responseID = Self.recordID(), requestID = Self.recordID(), date = Self.warcDate()
        let headBytes = exchange.response.head.bytes
        let requestBlock = exchange.request.bytes + exchange.requestBody
        try state.withLock { s in
            guard let fd = s?.fd else { throw ReeError(.invalidInput, "the recording is already finished") }
            let offset = try Self.position(fd)
            let spool = exchange.response
            let source = ConcatSource([MemorySource(headBytes), try SpoolSource(spool)])
            try Self.writeRecord(to: fd, fields: [
                ("WARC-Type", "response"), ("WARC-Record-ID", responseID), ("WARC-Date", date),
                ("WARC-Target-URI", exchange.url), ("Content-Type", "application/http; msgtype=response"),
                ("WARC-Payload-Digest", digests.payload), ("WARC-Block-Digest", digests.block),
            ], block: source, length: Int64(headBytes.count) + spool.length)
            let responseEnd = try Self.position(fd)
            var fields: [(String, String)] = [
                ("WARC-Type", "request"), ("WARC-Record-ID", requestID), ("WARC-Date", date),
                ("WARC-Target-URI", exchange.url), ("WARC-Concurrent-To", responseID),
                ("Content-Type", "application/http; msgtype=request"),
            ]
            if !exchange.requestBody.isEmpty { fields.append(("WARC-Payload-Digest", SHA1Base32.digest(exchange.requestBody))) }
            fields.append(("WARC-Block-Digest", SHA1Base32.digest(requestBlock)))
            try Self.writeRecord(to: fd, fields: fields, block: MemorySource(requestBlock), length: Int64(requestBlock.count))
            let status = exchange.response.head.startParts.count > 1 ? exchange.response.head.startParts[1] : "0"
            var json: [String: String] = [
                "url": exchange.url, "method": exchange.method, "status": status, "digest": digests.payload,
                "offset": String(offset), "length": String(responseEnd - offset), "filename": fileName,
                "mime": exchange.response.head.value("Content-Type") ?? "unk",
            ]
            if let range = exchange.request.value("Range") { json["range"] = range }
            if !exchange.requestBody.isEmpty { json["requestBody"] = "sha256:" + SHA256.hex(exchange.requestBody) }
            let encoded = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            let line = "\(Self.surt(exchange.url)) \(Self.timestamp14(date)) \(encoded)"
            s?.index.append(line)
            s?.records += 1
        }
    }

    /// Closes the WARC file and writes `index.cdxj` (sorted). Returns how many exchanges it holds.
    @discardableResult
    public func finish() throws -> Int {
        try state.withLock { s in
            guard let current = s else { return 0 }
            try current.fd.sync()
            try current.fd.close()
            let index = current.index.sorted().map { $0 + "\n" }.joined()
            try FileSystem.writeAtomically(directory + "/index.cdxj", Array(index.utf8))
            s = nil
            try? FileSystem.removeTree(spoolDirectory)
            return current.records
        }
    }

    // MARK: - Records

    @discardableResult
    private static func writeRecord(to fd: FileDescriptor, fields: [(String, String)], block: ByteSource, length: Int64) throws -> Int64 {
        let gzip = try GzipMemberSink(level: 1, next: fd, name: "WARC record")
        var head = "WARC/1.1\r\n"
        for (n, v) in fields { head += "\(n): \(v)\r\n" }
        head += "Content-Length: \(length)\r\n\r\n"
        try Array(head.utf8).withUnsafeBytes { try gzip.write($0) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        var copied: Int64 = 0
        while true {
            let n = try block.read(into: buffer)
            if n == 0 { break }
            try gzip.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            copied += Int64(n)
        }
        guard copied == length else { throw ReeError(.system, "WARC record block changed while written (\(copied) of \(length) bytes)") }
        try Array("\r\n\r\n".utf8).withUnsafeBytes { try gzip.write($0) }
        try gzip.finish()
        return copied
    }

    private static func position(_ fd: FileDescriptor) throws -> Int64 {
        let p = lseek(fd.rawValue, 0, SEEK_CUR)
        if p < 0 { throw ReeError.system("seek", fd.path) }
        return Int64(p)
    }

    static func recordID() -> String { "<urn:uuid:\(UUID().uuidString.lowercased())>" }

    static func warcDate() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
    }

    static func timestamp14(_ warcDate: String) -> String { String(warcDate.filter(\.isNumber).prefix(14)) }

    /// A SURT key as CDXJ uses: the host's labels reversed, then `)` and the path.
    static func surt(_ url: String) -> String {
        var rest = Substring(url)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash]).lowercased()
        let path = rest[slash...]
        var port = ""
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            port = String(authority[colon...])
            authority = String(authority[..<colon])
            if port == ":80" || port == ":443" { port = "" }
        }
        if authority.hasPrefix("www.") { authority.removeFirst(4) }
        let host = authority.split(separator: ".").reversed().joined(separator: ",")
        return host + port + ")" + (path.isEmpty ? "/" : path.lowercased())
    }
}

final class ConcatSource: ByteSource {
    private var sources: [ByteSource]
    init(_ sources: [ByteSource]) { self.sources = sources }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while let first = sources.first {
            let n = try first.read(into: buffer)
            if n > 0 { return n }
            sources.removeFirst()
        }
        return 0
    }
}

final class SpoolSource: ByteSource {
    private let fd: FileDescriptor
    init(_ spool: ResponseSpool) throws { fd = try FileDescriptor.open(spool.path) }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try fd.read(into: buffer) }
}
