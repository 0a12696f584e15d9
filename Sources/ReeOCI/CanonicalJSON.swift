import Foundation
import ReeOS

/// The one place that fixes how ree encodes JSON: sorted keys, no escaped slashes, compact.
/// The same value always gives the same bytes, so digests of what we write are stable.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Pretty, for people (CLI output); still sorted.
    public static func encodePretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes `bytes`, naming `source` and the problem when they are not the JSON we expect.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], source: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let e as ReeError {
            throw ReeError(e.code, "invalid JSON in '\(source)': \(e.message)")
        } catch DecodingError.dataCorrupted(let ctx) {
            throw ReeError(.corrupt, "invalid JSON in '\(source)': \(ctx.debugDescription)\(pathDescription(ctx.codingPath))")
        } catch DecodingError.keyNotFound(let key, let ctx) {
            throw ReeError(.corrupt, "invalid JSON in '\(source)': missing key '\(key.stringValue)'\(pathDescription(ctx.codingPath))")
        } catch DecodingError.typeMismatch(_, let ctx) {
            throw ReeError(.corrupt, "invalid JSON in '\(source)': \(ctx.debugDescription)\(pathDescription(ctx.codingPath))")
        } catch DecodingError.valueNotFound(_, let ctx) {
            throw ReeError(.corrupt, "invalid JSON in '\(source)': \(ctx.debugDescription)\(pathDescription(ctx.codingPath))")
        } catch {
            throw ReeError(.corrupt, "invalid JSON in '\(source)': \(error)")
        }
    }

    private static func pathDescription(_ path: [CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
