/// Small text helpers shared by the parser, all working on unicode scalars like Go's runes.
extension Unicode.Scalar {
    /// Go's `unicode.IsSpace`.
    var isSpace: Bool { properties.isWhitespace }

    /// Docker's `[\t\v\f\r ]` whitespace class used to split instruction arguments.
    var isArgumentSpace: Bool {
        self == " " || self == "\t" || self == "\u{0B}" || self == "\u{0C}" || self == "\r"
    }
}

extension StringProtocol {
    /// Whether the first unicode scalar is `scalar` (Go compares bytes, not grapheme clusters).
    func startsWith(_ scalar: Unicode.Scalar) -> Bool {
        unicodeScalars.first == scalar
    }

    /// The text without leading unicode whitespace.
    var trimmingLeadingSpace: String {
        String(String.UnicodeScalarView(unicodeScalars.drop { $0.isSpace }))
    }

    /// The text without leading or trailing unicode whitespace.
    var trimmingSpace: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.isSpace }),
            let last = scalars.lastIndex(where: { !$0.isSpace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// The text without trailing carriage returns and newlines.
    var trimmingNewline: String {
        var scalars = Array(unicodeScalars)
        while let last = scalars.last, last == "\r" || last == "\n" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The text split on runs of `[\t\v\f\r ]`, without empty pieces at the ends.
    var whitespaceSeparatedFields: [String] {
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar.isArgumentSpace {
                if !current.isEmpty { fields.append(String(current)) }
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { fields.append(String(current)) }
        return fields
    }

    /// Splits at the first run of `[\t\v\f\r ]` into a head and the rest (rest without its leading run).
    var splitAtFirstArgumentSpace: (head: String, rest: String?) {
        let scalars = Array(unicodeScalars)
        guard let space = scalars.firstIndex(where: { $0.isArgumentSpace }) else {
            return (String(self), nil)
        }
        var restStart = space
        while restStart < scalars.count, scalars[restStart].isArgumentSpace { restStart += 1 }
        return (
            String(String.UnicodeScalarView(scalars[..<space])),
            String(String.UnicodeScalarView(scalars[restStart...]))
        )
    }
}

extension Substring.UnicodeScalarView {
    /// The scalars as a string without leading or trailing unicode whitespace.
    var trimmingSpaceScalars: String {
        String(String.UnicodeScalarView(self)).trimmingSpace
    }
}
