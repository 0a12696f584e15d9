import ReeOS

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
