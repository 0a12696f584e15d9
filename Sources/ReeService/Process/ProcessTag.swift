import ReeOS

/// Checks of the values a client sends with a new process.
public enum ProcessInput {
    /// A tag is 1 to 128 characters of letters, digits and `. _ - : /`, starting with a letter or digit.
    /// An empty tag means no tag.
    public static func validateTag(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        let bytes = Array(raw.utf8)
        func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        let ok = bytes.count <= 128 && isAlnum(bytes[0])
            && bytes.allSatisfy { isAlnum($0) || $0 == 46 || $0 == 95 || $0 == 45 || $0 == 58 || $0 == 47 }
        guard ok else {
            throw ReeError(.invalidInput, "invalid tag '\(raw.prefix(64))': use 1 to 128 letters, digits and . _ - : /, starting with a letter or digit")
        }
        return raw
    }

    /// The Dockerfile's name: a relative path inside the project, without `..`; `Dockerfile` when absent.
    public static func validateDockerfile(_ raw: String?) throws -> String {
        guard let raw, !raw.isEmpty else { return "Dockerfile" }
        return try ProjectPath.normalize(raw, what: "dockerfile")
    }
}

/// Paths inside an uploaded project, which must stay inside it.
public enum ProjectPath {
    /// `a/./b//c` → `a/b/c`; throws `invalidInput` for absolute paths, `..`, backslashes, NUL and control characters.
    /// Returns "" for the project root itself (`.`, `./`).
    public static func normalize(_ raw: String, what: String = "path") throws -> String {
        func refuse(_ reason: String) -> ReeError {
            ReeError(.invalidInput, "invalid \(what) '\(raw.prefix(200))': \(reason)")
        }
        guard raw.utf8.count <= 4096 else { throw refuse("longer than 4096 bytes") }
        if raw.hasPrefix("/") { throw refuse("an absolute path") }
        if raw.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) { throw refuse("contains a control character") }
        if raw.contains("\\") { throw refuse("contains a backslash") }
        var parts: [Substring] = []
        for component in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { throw refuse("escapes the project with '..'") }
            if component.utf8.count > 255 { throw refuse("a component is longer than 255 bytes") }
            parts.append(component)
        }
        return parts.joined(separator: "/")
    }
}
