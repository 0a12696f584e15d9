import Foundation

/// One apt source of an image, from `/etc/apt/sources.list.d/*.sources` (deb822) or a `.list` /
/// `sources.list` line, with the snapshot URL its comment names when it has one: the Debian
/// images here carry `# http://HOST/archive/debian/20250520T000000Z` above `URIs:`, the frozen
/// archive state their mirror serves.
public struct AptSource: Sendable, Equatable {
    public var types: [String]
    public var uri: String
    public var suites: [String]
    public var components: [String]
    /// `Signed-By` / `signed-by=` when it names a keyring file.
    public var signedBy: String?
    /// The snapshot URL of a `# http(s)://…/archive/NAME/YYYYMMDDTHHMMSSZ` comment in the entry.
    public var snapshotComment: String?

    public init(types: [String], uri: String, suites: [String], components: [String], signedBy: String? = nil, snapshotComment: String? = nil) {
        self.types = types
        self.uri = uri
        self.suites = suites
        self.components = components
        self.signedBy = signedBy
        self.snapshotComment = snapshotComment
    }

    /// The archive's name: the URI's last path component (`debian`, `debian-security`).
    public var archive: String {
        var path = uri
        while path.hasSuffix("/") { path.removeLast() }
        return path.split(separator: "/").last.map(String.init) ?? ""
    }

    /// Parses every source file of an image: name → text (deb822 when the name ends in `.sources`).
    public static func parse(files: [(name: String, text: String)]) -> [AptSource] {
        files.flatMap { $0.name.hasSuffix(".sources") ? parseDeb822($0.text) : parseOneLine($0.text) }
    }

    static func parseDeb822(_ text: String) -> [AptSource] {
        var result: [AptSource] = []
        for stanza in text.components(separatedBy: "\n\n") {
            var fields: [String: String] = [:]
            var comment: String?
            var last: String?
            for line in stanza.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
                if line.hasPrefix("#") {
                    if let url = DebianSnapshot.snapshotURL(inComment: line) { comment = url }
                    continue
                }
                if line.first == " " || line.first == "\t" {
                    if let last { fields[last, default: ""] += "\n" + line }
                    continue
                }
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = key
            }
            guard let uris = fields["uris"], (fields["enabled"] ?? "yes").lowercased() != "no" else { continue }
            let words = { (key: String) in (fields[key] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
            let signedBy = fields["signed-by"].flatMap { $0.hasPrefix("/") && !$0.contains("\n") ? $0 : nil }
            for uri in uris.split(separator: " ").map(String.init) {
                result.append(AptSource(types: words("types"), uri: uri, suites: words("suites"), components: words("components"),
                                        signedBy: signedBy, snapshotComment: comment))
            }
        }
        return result
    }

    static func parseOneLine(_ text: String) -> [AptSource] {
        var result: [AptSource] = []
        var comment: String?
        for raw in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if raw.hasPrefix("#") {
                if let url = DebianSnapshot.snapshotURL(inComment: raw) { comment = url }
                continue
            }
            var words = raw.split(separator: " ").map(String.init)
            guard let type = words.first, type == "deb" || type == "deb-src" else { comment = nil; continue }
            words.removeFirst()
            var signedBy: String?
            if let first = words.first, first.hasPrefix("[") {
                var options: [String] = []
                while let w = words.first {
                    words.removeFirst()
                    options.append(w)
                    if w.hasSuffix("]") { break }
                }
                for option in options.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: " ")
                where option.hasPrefix("signed-by=") {
                    signedBy = String(option.dropFirst("signed-by=".count))
                }
            }
            guard words.count >= 2 else { continue }
            result.append(AptSource(types: [type], uri: words[0], suites: [words[1]], components: Array(words.dropFirst(2)),
                                    signedBy: signedBy, snapshotComment: comment))
            comment = nil
        }
        return result
    }
}
