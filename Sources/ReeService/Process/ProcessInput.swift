import ReeBuild
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
