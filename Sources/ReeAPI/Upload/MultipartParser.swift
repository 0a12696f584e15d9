import ReeOS

/// An incremental `multipart/form-data` parser (RFC 7578): bytes go in as they arrive, events come
/// out, and nothing but a boundary's length of look-behind and one header block is ever kept.
struct MultipartParser {
    struct PartHeaders: Equatable {
        var name: String?
        var filename: String?
        var contentType: String?
    }

    enum Event: Equatable {
        case begin(PartHeaders)
        case data([UInt8])
        case end
    }

    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    private let delimiter: [UInt8]
    private var buffer: [UInt8]
    private var state = State.preamble
    static let maxHeaderBytes = 16 << 10
    static let maxPreambleBytes = 64 << 10
    private var preambleBytes = 0

    /// The boundary from a `Content-Type: multipart/form-data; boundary=...` value.
    static func boundary(fromContentType contentType: String?) throws -> String {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw ReeError(.invalidInput, "expected a multipart/form-data request with the form fields 'file' and 'tag'")
        }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard !value.isEmpty, value.utf8.count <= 70 else { break }
            return value
        }
        throw ReeError(.invalidInput, "the multipart/form-data request has no valid boundary")
    }

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body without a preceding CRLF: supply one.
        buffer = [13, 10]
    }

    var isFinished: Bool { state == .epilogue }

    mutating func feed<C: Collection<UInt8>>(_ bytes: C) throws -> [Event] {
        if state == .epilogue { return [] }
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        var progress = true
        while progress {
            progress = false
            switch state {
            case .preamble:
                if let index = find(delimiter, in: buffer) {
                    buffer.removeFirst(index + delimiter.count)
                    state = .afterDelimiter
                    progress = true
                } else {
                    let keep = delimiter.count - 1
                    if buffer.count > keep {
                        preambleBytes += buffer.count - keep
                        buffer.removeFirst(buffer.count - keep)
                    }
                    if preambleBytes > Self.maxPreambleBytes { throw ReeError(.invalidInput, "malformed multipart body: no boundary found") }
                }
            case .afterDelimiter:
                // "--" closes the body; otherwise optional whitespace, then CRLF and the next part's headers.
                if buffer.count >= 2 && buffer[0] == 45 && buffer[1] == 45 {
                    state = .epilogue
                    buffer.removeAll()
                    return events
                }
                var i = 0
                while i < buffer.count, buffer[i] == 32 || buffer[i] == 9 { i += 1 }
                if buffer.count >= i + 2 {
                    guard buffer[i] == 13, buffer[i + 1] == 10 else { throw ReeError(.invalidInput, "malformed multipart body: bad boundary line") }
                    buffer.removeFirst(i + 2)
                    state = .headers
                    progress = true
                } else if buffer.count > 256 {
                    throw ReeError(.invalidInput, "malformed multipart body: bad boundary line")
                }
            case .headers:
                let end: Int?
                if buffer.starts(with: [13, 10]) { end = 0 } else { end = find([13, 10, 13, 10], in: buffer).map { $0 + 2 } }
                if let end {
                    let headers = try Self.parseHeaders(Array(buffer[0..<end]))
                    buffer.removeFirst(end + 2)
                    events.append(.begin(headers))
                    state = .body
                    progress = true
                } else if buffer.count > Self.maxHeaderBytes {
                    throw ReeError(.invalidInput, "malformed multipart body: part headers larger than \(Self.maxHeaderBytes) bytes")
                }
            case .body:
                if let index = find(delimiter, in: buffer) {
                    if index > 0 { events.append(.data(Array(buffer[0..<index]))) }
                    events.append(.end)
                    buffer.removeFirst(index + delimiter.count)
                    state = .afterDelimiter
                    progress = true
                } else {
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > 0 {
                        events.append(.data(Array(buffer[0..<safe])))
                        buffer.removeFirst(safe)
                    }
                }
            case .epilogue:
                buffer.removeAll()
            }
        }
        return events
    }

    /// Throws unless the closing boundary was seen.
    func finish() throws {
        guard state == .epilogue else { throw ReeError(.invalidInput, "malformed multipart body: it ends before the closing boundary") }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    static func parseHeaders(_ bytes: [UInt8]) throws -> PartHeaders {
        var headers = PartHeaders()
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { throw ReeError(.invalidInput, "malformed multipart part header") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-disposition":
                let parameters = parseParameters(value)
                headers.name = parameters["name"]
                headers.filename = parameters["filename"]
            case "content-type":
                headers.contentType = value
            default:
                continue
            }
        }
        return headers
    }

    /// `form-data; name="file"; filename="a;b.zip"` → ["name": "file", "filename": "a;b.zip"].
    static func parseParameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Array(value)[...]
        // Skip the disposition type.
        while let c = chars.first, c != ";" { chars.removeFirst() }
        while !chars.isEmpty {
            chars.removeFirst() // ";"
            while let c = chars.first, c == " " || c == "\t" { chars.removeFirst() }
            var key = ""
            while let c = chars.first, c != "=", c != ";" { key.append(c); chars.removeFirst() }
            guard chars.first == "=" else { continue }
            chars.removeFirst()
            var parsed = ""
            if chars.first == "\"" {
                chars.removeFirst()
                while let c = chars.first, c != "\"" {
                    chars.removeFirst()
                    if c == "\\", let escaped = chars.first { parsed.append(escaped); chars.removeFirst() } else { parsed.append(c) }
                }
                if !chars.isEmpty { chars.removeFirst() }
                while let c = chars.first, c != ";" { chars.removeFirst() }
            } else {
                while let c = chars.first, c != ";" { parsed.append(c); chars.removeFirst() }
                parsed = parsed.trimmingCharacters(in: .whitespaces)
            }
            result[key.trimmingCharacters(in: .whitespaces).lowercased()] = parsed
        }
        return result
    }
}
