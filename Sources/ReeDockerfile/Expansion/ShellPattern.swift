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

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// The pattern read backwards, for matching suffixes as prefixes of the reversed text.
    private var reversed: ShellPattern { ShellPattern(tokens: tokens.reversed()) }

    /// The end offsets `e` (ascending) such that `text[start..<e]` matches the whole pattern.
    /// Runs the pattern as a set of positions over the text: O(text × pattern), no backtracking.
    private func matchEnds(in text: [Unicode.Scalar], from start: Int) -> [Int] {
        var active = Array(repeating: false, count: tokens.count + 1)
        active[0] = true
        close(&active)
        var ends: [Int] = []
        if active[tokens.count] { ends.append(start) }
        var index = start
        while index < text.count {
            let scalar = text[index]
            var next = Array(repeating: false, count: tokens.count + 1)
            var any = false
            for position in 0..<tokens.count where active[position] {
                switch tokens[position] {
                case .any:
                    next[position] = true
                    any = true
                case .one:
                    next[position + 1] = true
                    any = true
                case .literal(let literal) where literal == scalar:
                    next[position + 1] = true
                    any = true
                case .literal:
                    break
                }
            }
            guard any else { break }
            close(&next)
            active = next
            index += 1
            if active[tokens.count] { ends.append(index) }
        }
        return ends
    }

    /// Adds the positions reachable by letting a `*` match nothing.
    private func close(_ active: inout [Bool]) {
        for position in 0..<tokens.count where active[position] && tokens[position] == .any {
            active[position + 1] = true
        }
    }

    func trimmingPrefix(of value: String, longest: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        let ends = matchEnds(in: scalars, from: 0)
        guard let end = longest ? ends.last : ends.first else { return value }
        return String(String.UnicodeScalarView(scalars[end...]))
    }

    func trimmingSuffix(of value: String, longest: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        let ends = reversed.matchEnds(in: scalars.reversed(), from: 0)
        guard let length = longest ? ends.last : ends.first else { return value }
        return String(String.UnicodeScalarView(scalars[..<(scalars.count - length)]))
    }

    /// The most work (text² × pattern steps) a `${VAR/pattern/replacement}` may take; hostile
    /// Dockerfiles must not be able to pin a CPU with one substitution.
    static let replacementBudget = 100_000_000

    /// Replaces the leftmost-longest match (or every match) of the pattern in `value`.
    func replacing(in value: String, with replacement: String, all: Bool) throws(DockerfileError) -> String {
        let scalars = Array(value.unicodeScalars)
        let work = scalars.count.multipliedReportingOverflow(by: scalars.count)
        let total = work.partialValue.multipliedReportingOverflow(by: tokens.count + 1)
        guard !work.overflow, !total.overflow, total.partialValue <= Self.replacementBudget else {
            throw DockerfileError(
                line: 0, "pattern substitution on a value of \(scalars.count) characters is too expensive")
        }
        var output = String.UnicodeScalarView()
        var start = 0
        var replaced = false
        while start <= scalars.count {
            if all || !replaced, let end = matchEnds(in: scalars, from: start).last {
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
}
