/// Parses the JSON exec form (`["a", "b"]`) the way Docker does with `encoding/json`:
/// text that is not valid JSON means "shell form"; a valid array with a non-string element is an error.
enum JSONStringArray {
    enum Outcome: Equatable {
        case strings([String])
        case notJSON
        case notStringArray
    }

    /// Nesting deeper than this is treated as invalid JSON instead of recursing further.
    static let maximumDepth = 100

    static func parse(_ text: String) -> Outcome {
        let trimmed = text.trimmingLeadingSpace
        guard trimmed.hasPrefix("[") else { return .notJSON }
        var reader = Reader(scalars: Array(trimmed.unicodeScalars))
        guard let strings = reader.readTopLevelArray() else { return .notJSON }
        reader.skipWhitespace()
        guard reader.atEnd else { return .notJSON }
        return strings.allStrings ? .strings(strings.values) : .notStringArray
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0

        var atEnd: Bool { position >= scalars.count }

        func peek() -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func skipWhitespace() {
            while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                position += 1
            }
        }

        mutating func consume(_ expected: Unicode.Scalar) -> Bool {
            guard peek() == expected else { return false }
            position += 1
            return true
        }

        mutating func readTopLevelArray() -> (values: [String], allStrings: Bool)? {
            guard consume("[") else { return nil }
            var values: [String] = []
            var allStrings = true
            skipWhitespace()
            if consume("]") { return (values, allStrings) }
            while true {
                skipWhitespace()
                if peek() == "\"" {
                    guard let string = readString() else { return nil }
                    values.append(string)
                } else {
                    guard skipValue(depth: 1) else { return nil }
                    allStrings = false
                }
                skipWhitespace()
                if consume("]") { return (values, allStrings) }
                guard consume(",") else { return nil }
            }
        }

        /// Skips any JSON value; false if it is malformed or nested too deeply.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < JSONStringArray.maximumDepth else { return false }
            skipWhitespace()
            guard let scalar = peek() else { return false }
            switch scalar {
            case "\"":
                return readString() != nil
            case "[":
                position += 1
                skipWhitespace()
                if consume("]") { return true }
                while true {
                    guard skipValue(depth: depth + 1) else { return false }
                    skipWhitespace()
                    if consume("]") { return true }
                    guard consume(",") else { return false }
                }
            case "{":
                position += 1
                skipWhitespace()
                if consume("}") { return true }
                while true {
                    skipWhitespace()
                    guard peek() == "\"", readString() != nil else { return false }
                    skipWhitespace()
                    guard consume(":"), skipValue(depth: depth + 1) else { return false }
                    skipWhitespace()
                    if consume("}") { return true }
                    guard consume(",") else { return false }
                }
            case "t":
                return consumeWord("true")
            case "f":
                return consumeWord("false")
            case "n":
                return consumeWord("null")
            default:
                return skipNumber()
            }
        }

        mutating func consumeWord(_ word: String) -> Bool {
            for expected in word.unicodeScalars {
                guard consume(expected) else { return false }
            }
            return true
        }

        mutating func skipNumber() -> Bool {
            _ = consume("-")
            guard let first = peek(), first.properties.numericType == .decimal, first.isASCII else { return false }
            if !consume("0") { skipDigits() }
            if consume(".") {
                guard skipDigits() else { return false }
            }
            if consume("e") || consume("E") {
                if !consume("+") { _ = consume("-") }
                guard skipDigits() else { return false }
            }
            return true
        }

        @discardableResult
        mutating func skipDigits() -> Bool {
            let start = position
            while let scalar = peek(), scalar >= "0", scalar <= "9" { position += 1 }
            return position > start
        }

        mutating func readString() -> String? {
            guard consume("\"") else { return nil }
            var result = String.UnicodeScalarView()
            while let scalar = peek() {
                position += 1
                switch scalar {
                case "\"":
                    return String(result)
                case "\\":
                    guard let escaped = peek() else { return nil }
                    position += 1
                    switch escaped {
                    case "\"", "\\", "/": result.append(escaped)
                    case "b": result.append("\u{08}")
                    case "f": result.append("\u{0C}")
                    case "n": result.append("\n")
                    case "r": result.append("\r")
                    case "t": result.append("\t")
                    case "u":
                        guard let unit = readHex4() else { return nil }
                        result.append(decodeUTF16(unit))
                    default:
                        return nil
                    }
                default:
                    guard scalar.value >= 0x20 else { return nil }
                    result.append(scalar)
                }
            }
            return nil
        }

        mutating func readHex4() -> UInt32? {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let scalar = peek(), let digit = scalar.hexDigitValue else { return nil }
                position += 1
                value = value * 16 + digit
            }
            return value
        }

        /// A `\uXXXX` unit, combined with a following low surrogate when it is a high one;
        /// lone surrogates become U+FFFD as in Go.
        mutating func decodeUTF16(_ unit: UInt32) -> Unicode.Scalar {
            let replacement: Unicode.Scalar = "\u{FFFD}"
            if (0xD800..<0xDC00).contains(unit) {
                let saved = position
                if consume("\\"), consume("u"), let low = readHex4(), (0xDC00..<0xE000).contains(low) {
                    let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    return Unicode.Scalar(combined) ?? replacement
                }
                position = saved
                return replacement
            }
            return Unicode.Scalar(unit) ?? replacement
        }
    }
}

extension Unicode.Scalar {
    fileprivate var hexDigitValue: UInt32? {
        switch value {
        case 0x30...0x39: value - 0x30
        case 0x41...0x46: value - 0x41 + 10
        case 0x61...0x66: value - 0x61 + 10
        default: nil
        }
    }
}
