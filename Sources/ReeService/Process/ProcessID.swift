import Foundation
import ReeOS

/// The identity of a process: a UUID in its canonical lower-case form.
public struct ProcessID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// Accepts any UUID spelling (8-4-4-4-12 hex digits, either case); throws `notFound` for anything
    /// else, since a malformed id names no process. Parsed by hand: every status request parses one.
    public init(_ raw: String) throws {
        var raw = raw
        guard let canonical = raw.withUTF8(Self.canonical) else {
            throw ReeError(.notFound, "process '\(raw.prefix(64))' not found")
        }
        rawValue = canonical
    }

    /// A new random id.
    public init() {
        rawValue = UUID().uuidString.lowercased()
    }

    public var description: String { rawValue }
    public static func < (a: ProcessID, b: ProcessID) -> Bool { a.rawValue < b.rawValue }

    /// The lower-case form of `utf8` if it is a UUID, else nil.
    private static func canonical(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        guard utf8.count == 36 else { return nil }
        for (i, byte) in utf8.enumerated() {
            switch i {
            case 8, 13, 18, 23: guard byte == UInt8(ascii: "-") else { return nil }
            default:
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                    continue
                default: return nil
                }
            }
        }
        return String(unsafeUninitializedCapacity: 36) { out in
            for i in 0..<36 {
                let byte = utf8[i]
                out[i] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") ? byte + 32 : byte
            }
            return 36
        }
    }
}
