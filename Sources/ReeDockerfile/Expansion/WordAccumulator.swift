/// Accumulates words the way Docker's `ProcessWords` does: unquoted whitespace separates words,
/// quoted or escaped text never does.
struct WordAccumulator {
    private(set) var words: [String] = []
    private var buffer = ""
    private var inWord = false

    mutating func add(_ scalar: Unicode.Scalar) {
        if scalar.properties.isWhitespace {
            if inWord, !buffer.isEmpty {
                words.append(buffer)
                buffer = ""
                inWord = false
            }
        } else {
            addRaw(scalar)
        }
    }

    mutating func addRaw(_ scalar: Unicode.Scalar) {
        buffer.unicodeScalars.append(scalar)
        inWord = true
    }

    mutating func add(_ text: String) {
        for scalar in text.unicodeScalars { add(scalar) }
    }

    mutating func addRaw(_ text: String) {
        buffer += text
        inWord = true
    }

    mutating func finish() -> [String] {
        if !buffer.isEmpty {
            words.append(buffer)
            buffer = ""
            inWord = false
        }
        return words
    }
}
