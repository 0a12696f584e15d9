import Foundation
import ReeOS
import Synchronization

/// A recording loaded for replay: every WARC file read once, each record's block and payload
/// digest checked (a changed byte is refused here, before anything is served), and each response
/// body extracted to a file under `payloadDirectory`.
public final class Recording: @unchecked Sendable {
    /// What a replayed request is matched on.
    struct Key: Hashable {
        var method: String
        var url: String
        var bodyDigest: String
        var range: String
    }

    struct Response {
        var head: HTTPHead
        var payloadPath: String
        var payloadLength: Int64
    }

    private let responses: [Key: [Response]]
    private let served = Mutex<[Key: Int]>([:])
    /// How many exchanges the recording holds.
    public let exchangeCount: Int

    /// Reads every `*.warc.gz` in `directory` in name order.
    public init(directory: String, payloadDirectory: String) throws {
        try FileSystem.createDirectory(payloadDirectory)
        let files = try FileSystem.listDirectory(directory).filter { $0.hasSuffix(".warc.gz") }.sorted()
        var byKey: [Key: [Response]] = [:]
        var count = 0
        for file in files {
            var pending: [String: Response] = [:]
            try Self.readRecords(path: directory + "/" + file, payloadDirectory: payloadDirectory) { record in
                switch record {
                case .response(let id, let response):
                    pending[id] = response
                case .request(let concurrentTo, let key):
                    guard let response = pending.removeValue(forKey: concurrentTo) else {
                        throw ReeError(.invalidInput, "recording \(file): request for \(key.url) has no response record")
                    }
                    byKey[key, default: []].append(response)
                    count += 1
                }
            }
        }
        responses = byKey
        exchangeCount = count
    }

    /// The next recorded response for a request, in recorded order; the last one again once all
    /// were served.
    func response(method: String, url: String, body: [UInt8], range: String?) -> Response? {
        let key = Key(method: method, url: url, bodyDigest: Self.bodyDigest(body), range: range ?? "")
        guard let list = responses[key], !list.isEmpty else { return nil }
        let i = served.withLock { s -> Int in
            let i = s[key, default: 0]
            s[key] = i + 1
            return min(i, list.count - 1)
        }
        return list[i]
    }

    static func bodyDigest(_ body: [UInt8]) -> String { body.isEmpty ? "" : "sha256:" + SHA256.hex(body) }

    enum Record {
        case response(id: String, Response)
        case request(concurrentTo: String, Key)
    }

    /// Checks one WARC file's records and reports the HTTP ones.
    static func readRecords(path: String, payloadDirectory: String, _ each: (Record) throws -> Void) throws {
        let name = FileSystem.lastComponent(of: path)
        let reader = BufferedReader(try GzipFileSource(path: path))
        var number = 0
        while let headBytes = try reader.readHead() {
            number += 1
            let warc = try HTTPHead.parse(headBytes)
            guard warc.startLine.hasPrefix("WARC/1.") else { throw ReeError(.invalidInput, "recording \(name): record \(number) is not a WARC record") }
            guard let length = warc.value("Content-Length").flatMap({ Int64($0) }), length >= 0 else {
                throw ReeError(.invalidInput, "recording \(name): record \(number) has no Content-Length")
            }
            let type = warc.value("WARC-Type") ?? ""
            let id = warc.value("WARC-Record-ID") ?? ""
            let uri = warc.value("WARC-Target-URI") ?? ""
            let block = SHA1Base32(), payload = SHA1Base32()
            func check(_ field: String, _ computed: String) throws {
                if let expected = warc.value(field), expected.lowercased() != computed.lowercased() {
                    throw ReeError(.corrupt, "recording \(name): \(field) mismatch in the \(type) record for \(uri): the recording was changed")
                }
            }
            switch type {
            case "response":
                guard let httpHead = try reader.readHead() else { throw ReeError(.invalidInput, "recording \(name): truncated response") }
                block.update(httpHead)
                let head = try HTTPHead.parse(httpHead)
                let payloadLength = length - Int64(httpHead.count)
                guard payloadLength >= 0 else { throw ReeError(.invalidInput, "recording \(name): bad response length for \(uri)") }
                let payloadPath = payloadDirectory + "/" + String(format: "%06d", number) + "-" + SHA256.hex(Array((name + id).utf8)).prefix(16)
                let out = try FileDescriptor.open(payloadPath, O_WRONLY | O_CREAT | O_TRUNC)
                try reader.stream(count: payloadLength) { piece in
                    block.update(piece)
                    payload.update(piece)
                    try out.writeAll(piece)
                }
                try out.close()
                try check("WARC-Block-Digest", block.finalize())
                try check("WARC-Payload-Digest", payload.finalize())
                try each(.response(id: id, Response(head: head, payloadPath: payloadPath, payloadLength: payloadLength)))
            case "request":
                guard length <= 256 << 20 else { throw ReeError(.limitExceeded, "recording \(name): request record over 256 MiB") }
                var bytes: [UInt8] = []
                try reader.read(count: Int(length), into: &bytes)
                block.update(bytes)
                try check("WARC-Block-Digest", block.finalize())
                guard let end = Self.headEnd(bytes) else { throw ReeError(.invalidInput, "recording \(name): malformed request for \(uri)") }
                let head = try HTTPHead.parse(Array(bytes[..<end]))
                let body = Array(bytes[end...])
                payload.update(body)
                if !body.isEmpty { try check("WARC-Payload-Digest", payload.finalize()) }
                let method = head.startParts.first ?? ""
                try each(.request(concurrentTo: warc.value("WARC-Concurrent-To") ?? "",
                                  Key(method: method, url: uri, bodyDigest: bodyDigest(body), range: head.value("Range") ?? "")))
            default:
                try reader.stream(count: length) { block.update($0) }
                try check("WARC-Block-Digest", block.finalize())
            }
            var trailer: [UInt8] = []
            try reader.read(count: 4, into: &trailer)
            guard trailer == [13, 10, 13, 10] else { throw ReeError(.invalidInput, "recording \(name): record \(number) is not followed by CRLF CRLF") }
        }
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }
}

