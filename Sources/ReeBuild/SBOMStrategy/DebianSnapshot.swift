import Foundation

/// Where the pinned apt steps get their packages: the Debian snapshot archive, whose URLs
/// `ROOT/archive/NAME/YYYYMMDDTHHMMSSZ` serve one archive as it was at that moment, forever.
///
/// The root (the snapshot service's host) is never written into ree's code: it comes from the
/// image (a comment in its apt sources naming the snapshot its mirror serves) or from the
/// configuration (`--debian-snapshot URL`, `REE_DEBIAN_SNAPSHOT`).
///
/// Timestamp rule: the comment's timestamp when the image's sources have one (the archive state
/// the build actually read), else the define's time (the live archive is what the build read).
public struct DebianSnapshot: Sendable, Equatable {
    /// Everything before `/archive/NAME/TIMESTAMP` (`http://HOST`), no trailing slash.
    public var root: String
    /// `YYYYMMDDTHHMMSSZ`.
    public var timestamp: String

    public init(root: String, timestamp: String) {
        var root = root
        while root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.timestamp = timestamp
    }

    /// The URL of archive `name` (`debian`, `debian-security`) at this snapshot.
    public func url(archive name: String) -> String { "\(root)/archive/\(name)/\(timestamp)" }

    /// The snapshot URL in an apt sources comment line (`# http://HOST/archive/debian/20250520T000000Z`).
    public static func snapshotURL(inComment line: String) -> String? {
        let text = line.drop(while: { $0 == "#" || $0 == " " || $0 == "\t" })
        guard let word = text.split(separator: " ").first.map(String.init), parse(url: word) != nil else { return nil }
        var url = word
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Splits `ROOT/archive/NAME/TIMESTAMP` into the snapshot and the archive name.
    public static func parse(url: String) -> (snapshot: DebianSnapshot, archive: String)? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        var parts = url.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.last == "" { parts.removeLast() }
        guard parts.count >= 6, parts[parts.count - 3] == "archive", isTimestamp(parts[parts.count - 1]) else { return nil }
        return (DebianSnapshot(root: parts.dropLast(3).joined(separator: "/"), timestamp: parts[parts.count - 1]), parts[parts.count - 2])
    }

    /// A configured value: the service's root (`http://HOST`, optionally ending in `/archive`), or
    /// a whole snapshot URL, whose timestamp then wins over `time`.
    public static func configured(_ value: String, time: Date) -> DebianSnapshot? {
        if let parsed = parse(url: value) { return parsed.snapshot }
        guard value.hasPrefix("http://") || value.hasPrefix("https://") else { return nil }
        var root = value
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/archive") { root.removeLast("/archive".count) }
        return DebianSnapshot(root: root, timestamp: timestamp(time))
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    public static func timestamp(_ time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: time)
    }

    static func isTimestamp(_ s: String) -> Bool {
        let chars = Array(s)
        guard chars.count == 16, chars[8] == "T", chars[15] == "Z" else { return false }
        return chars[0..<8].allSatisfy(\.isNumber) && chars[9..<15].allSatisfy(\.isNumber)
    }
}
