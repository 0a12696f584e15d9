import ReeOS

/// A request or response head: the start line and the header fields in order.
public struct HTTPHead: Sendable, Equatable {
    public var startLine: String
    public var fields: [(name: String, value: String)]

    public init(startLine: String, fields: [(name: String, value: String)]) {
        self.startLine = startLine
        self.fields = fields
    }

    public static func == (a: HTTPHead, b: HTTPHead) -> Bool {
        a.startLine == b.startLine && a.fields.map { "\($0.name):\($0.value)" } == b.fields.map { "\($0.name):\($0.value)" }
    }

    /// The first value of `name` (case-insensitive).
    public func value(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    public mutating func remove(_ names: Set<String>) {
        fields.removeAll { names.contains($0.name.lowercased()) }
    }

    /// `METHOD TARGET VERSION` or `VERSION STATUS REASON`, split on the first two spaces.
    public var startParts: [String] {
        startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    }

    /// The head as sent on the wire, ending with the empty line.
    public var bytes: [UInt8] {
        var text = startLine + "\r\n"
        for f in fields { text += "\(f.name): \(f.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Parses a head (without or with its final empty line).
    public static func parse(_ bytes: [UInt8]) throws -> HTTPHead {
        // Split on bytes: in a Swift String "\r\n" is one Character.
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
        }
        while lines.last == "" { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else { throw ReeError(.invalidInput, "empty HTTP head") }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingSpaces
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw ReeError(.invalidInput, "malformed HTTP header line '\(line)'") }
            fields.append((String(line[..<colon]).trimmingSpaces, String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        return HTTPHead(startLine: first, fields: fields)
    }

    /// Hop-by-hop fields a proxy does not forward.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
                                        "te", "trailer", "transfer-encoding", "upgrade"]
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
