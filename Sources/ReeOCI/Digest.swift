import ReeOS

/// A content digest such as `sha256:<64 hex>`, validated on creation.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let algorithm: String
    public let encoded: String

    public init(_ string: String) throws {
        guard let colon = string.firstIndex(of: ":") else {
            throw ReeError(.invalidInput, "invalid digest '\(string.prefix(80))': missing algorithm")
        }
        let algorithm = String(string[..<colon])
        let encoded = String(string[string.index(after: colon)...])
        let length: Int
        switch algorithm {
        case "sha256": length = 64
        case "sha512": length = 128
        default: throw ReeError(.unsupported, "invalid digest '\(string.prefix(80))': unsupported algorithm '\(algorithm)'")
        }
        guard encoded.utf8.count == length, encoded.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw ReeError(.invalidInput, "invalid digest '\(string.prefix(80))': expected \(length) lower-case hex characters")
        }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    /// A sha256 digest from its hex form.
    public init(sha256Hex: String) throws { try self.init("sha256:\(sha256Hex)") }

    /// The sha256 digest of `bytes`.
    public static func sha256(of bytes: [UInt8]) -> Digest {
        Digest(trusted: "sha256", SHA256.hex(bytes))
    }

    init(trusted algorithm: String, _ encoded: String) {
        self.algorithm = algorithm
        self.encoded = encoded
    }

    public var description: String { "\(algorithm):\(encoded)" }

    public init(from decoder: Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public static func < (a: Digest, b: Digest) -> Bool { a.description < b.description }
}
