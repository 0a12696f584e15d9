/// The distribution an image is built on, from `/etc/os-release` (or `/usr/lib/os-release`).
public struct OSRelease: Hashable, Sendable, Codable {
    /// `ID` (`debian`, `alpine`).
    public var id: String
    /// `VERSION_ID` (`12`, `3.19.1`); nil on rolling releases such as Debian sid.
    public var versionID: String?
    /// `VERSION_CODENAME` (`bookworm`).
    public var codename: String?
    /// `PRETTY_NAME`.
    public var prettyName: String?

    public init(id: String, versionID: String? = nil, codename: String? = nil, prettyName: String? = nil) {
        self.id = id
        self.versionID = versionID
        self.codename = codename
        self.prettyName = prettyName
    }

    /// `<ID>-<VERSION_ID>`, as syft writes purl's `distro` qualifier (`debian-12`).
    public var distroQualifier: String? {
        guard let versionID, !versionID.isEmpty else { return codename.map { "\(id)-\($0)" } }
        return "\(id)-\(versionID)"
    }

    /// Parses the shell-like `KEY=value` lines; nil when there is no `ID`.
    public static func parse(_ text: String) -> OSRelease? {
        var fields: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmed()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            var value = String(line[line.index(after: eq)...])
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
                if q == "\"" { value = value.replacingBackslashEscapes() }
            }
            fields[key] = value
        }
        guard let id = fields["ID"], !id.isEmpty else { return nil }
        return OSRelease(id: id.lowercased(), versionID: fields["VERSION_ID"], codename: fields["VERSION_CODENAME"],
                         prettyName: fields["PRETTY_NAME"])
    }
}

extension String {
    func trimmed(_ set: String = " \t\r\n") -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }

    fileprivate func replacingBackslashEscapes() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}
