import Foundation
import ReeOS

/// The identity of a process: a UUID in its canonical lower-case form.
public struct ProcessID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Accepts any UUID spelling; throws `notFound` for anything else, since a malformed id names no process.
    public init(_ raw: String) throws {
        guard raw.utf8.count == 36, let uuid = UUID(uuidString: raw) else {
            throw ReeError(.notFound, "process '\(raw.prefix(64))' not found")
        }
        rawValue = uuid.uuidString.lowercased()
    }

    /// A new random id.
    public init() {
        rawValue = UUID().uuidString.lowercased()
    }

    public var description: String { rawValue }
    public static func < (a: ProcessID, b: ProcessID) -> Bool { a.rawValue < b.rawValue }
}
