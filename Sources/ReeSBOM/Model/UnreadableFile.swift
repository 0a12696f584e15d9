/// A file a cataloger could not read (or read only in part), and why.
public struct UnreadableFile: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Absolute in the image.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
    public static func < (a: UnreadableFile, b: UnreadableFile) -> Bool { (a.path, a.reason) < (b.path, b.reason) }
}
