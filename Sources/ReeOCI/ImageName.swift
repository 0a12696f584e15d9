import ReeOS

/// The name of an image in the store (`busybox`, `python_3_11`, `team/app:1.0`).
/// Lower-case path components of `[a-z0-9]` separated by `.`, `_`, `-`, optionally a `:tag`.
public struct ImageName: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(_ raw: String) throws {
        guard !raw.isEmpty, raw.utf8.count <= 255 else {
            throw ReeError(.invalidInput, "invalid image name '\(raw.prefix(80))': must be 1 to 255 characters")
        }
        let (repository, tag) = Self.split(raw)
        func isComponentChar(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        for component in repository.split(separator: "/", omittingEmptySubsequences: false) {
            let bytes = Array(component.utf8)
            guard let first = bytes.first, let last = bytes.last, isComponentChar(first), isComponentChar(last),
                  bytes.allSatisfy({ isComponentChar($0) || $0 == 46 || $0 == 95 || $0 == 45 }) else {
                throw ReeError(.invalidInput, "invalid image name '\(raw)': use lower-case letters, digits and . _ - (separated by /), optionally :tag")
            }
        }
        if let tag {
            let ok = !tag.isEmpty && tag.utf8.count <= 128 && tag.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 45
            }
            guard ok else { throw ReeError(.invalidInput, "invalid image name '\(raw)': bad tag '\(tag)'") }
        }
        rawValue = raw
    }

    private static func split(_ raw: String) -> (String, String?) {
        guard let colon = raw.lastIndex(of: ":"), !raw[colon...].contains("/") else { return (raw, nil) }
        return (String(raw[..<colon]), String(raw[raw.index(after: colon)...]))
    }

    /// The name with `:latest` when it has no tag, as Docker's `RepoTags` want it.
    public var dockerReference: String { Self.split(rawValue).1 == nil ? rawValue + ":latest" : rawValue }
    public var repository: String { Self.split(rawValue).0 }
    public var tag: String { Self.split(rawValue).1 ?? "latest" }
    public var description: String { rawValue }
    public static func < (a: ImageName, b: ImageName) -> Bool { a.rawValue < b.rawValue }
}
