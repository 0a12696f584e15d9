/// The shell pattern of `${VAR#pattern}`, `${VAR%pattern}` and `${VAR/pattern/replacement}`:
/// `*` matches any run of characters, `?` one character, `\` escapes `*`, `?` and `\`.
struct ShellPattern {
    private enum Token: Equatable {
        case literal(Unicode.Scalar)
        case one
        case any
    }

    private let tokens: [Token]

    init(_ pattern: String) throws(DockerfileError) {
        var tokens: [Token] = []
        var scanner = ScalarScanner(pattern)
        while let scalar = scanner.next() {
            switch scalar {
            case "*":
                tokens.append(.any)
            case "?":
                tokens.append(.one)
            case "\\":
                // `}` and `/` are escaped only to get them past the `${...}` syntax.
                if let following = scanner.peek(), following == "}" || following == "/" { continue }
                guard let escaped = scanner.next(), escaped == "*" || escaped == "?" || escaped == "\\" else {
                    throw DockerfileError(line: 0, "invalid pattern (\(pattern)) in substitution: invalid escape")
                }
                tokens.append(.literal(escaped))
            default:
                tokens.append(.literal(scalar))
            }
        }
        self.tokens = tokens
    }

    /// Whether the whole of `text` matches; iterative wildcard matching with one backtrack point.
    func matches(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        var textIndex = text.startIndex
        var tokenIndex = 0
        var starToken: Int?
        var starText = text.startIndex
        while textIndex < text.endIndex {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .any:
                    starToken = tokenIndex
                    starText = textIndex
                    tokenIndex += 1
                    continue
                case .one:
                    tokenIndex += 1
                    textIndex += 1
                    continue
                case .literal(let scalar) where scalar == text[textIndex]:
                    tokenIndex += 1
                    textIndex += 1
                    continue
                case .literal:
                    break
                }
            }
            guard let star = starToken else { return false }
            tokenIndex = star + 1
            starText += 1
            textIndex = starText
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .any { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }

    func trimmingPrefix(of value: String, longest: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        let lengths = longest ? Array((0...scalars.count).reversed()) : Array(0...scalars.count)
        for length in lengths where matches(scalars[0..<length]) {
            return String(String.UnicodeScalarView(scalars[length...]))
        }
        return value
    }

    func trimmingSuffix(of value: String, longest: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        let lengths = longest ? Array((0...scalars.count).reversed()) : Array(0...scalars.count)
        for length in lengths where matches(scalars[(scalars.count - length)...]) {
            return String(String.UnicodeScalarView(scalars[..<(scalars.count - length)]))
        }
        return value
    }

    /// Replaces the leftmost-longest match (or every match) of the pattern in `value`.
    func replacing(in value: String, with replacement: String, all: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        var output = String.UnicodeScalarView()
        var start = 0
        var replaced = false
        while start <= scalars.count {
            if !(replaced && !all), let end = longestMatch(in: scalars, from: start) {
                output.append(contentsOf: replacement.unicodeScalars)
                replaced = true
                if end > start {
                    start = end
                    continue
                }
            }
            guard start < scalars.count else { break }
            output.append(scalars[start])
            start += 1
        }
        return String(output)
    }

    private func longestMatch(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var end = scalars.count
        while end >= start {
            if matches(scalars[start..<end]) { return end }
            end -= 1
        }
        return nil
    }
}
