/// One `.dockerignore` pattern, compiled the way moby's `patternmatcher` compiles it:
/// `*` and `?` stay within one path component, `**` spans components, `[...]` classes,
/// `\` escapes, and literal patterns are compared directly.
public struct IgnorePattern: Sendable, Equatable {
    /// The pattern after cleaning, without its `!`.
    public let text: String
    /// Whether the pattern was written `!pattern`: a match re-includes the path.
    public let isException: Bool
    private let form: Form

    private enum Form: Sendable, Equatable {
        case exact
        case prefix(String)
        case suffix(String)
        case tokens([Token])
    }

    private enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case one
        case star
        case globstarDirectories
        case anything
        case characterClass(CharacterClass)
    }

    private struct CharacterClass: Sendable, Equatable {
        var negated: Bool
        var ranges: [ClosedRange<UInt32>]

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(scalar.value) } != negated
        }
    }

    /// Compiles `text` (already cleaned); throws for malformed classes or a trailing `\`.
    init(text: String, isException: Bool) throws(DockerfileError) {
        self.text = text
        self.isException = isException
        var tokens: [Token] = []
        var isRegular = false
        var kind = 0  // 0 exact, 1 prefix, 2 suffix
        let scalars = Array(text.unicodeScalars)
        var position = 0
        var iteration = 0
        while position < scalars.count {
            defer { iteration += 1 }
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "*":
                if position < scalars.count, scalars[position] == "*" {
                    position += 1
                    if position < scalars.count, scalars[position] == "/" { position += 1 }
                    if position == scalars.count {
                        if !isRegular && kind == 0 {
                            kind = 1
                        } else {
                            isRegular = true
                        }
                        tokens.append(.anything)
                    } else {
                        tokens.append(.globstarDirectories)
                        isRegular = true
                    }
                    if iteration == 0 { kind = 2 }
                } else {
                    tokens.append(.star)
                    isRegular = true
                }
            case "?":
                tokens.append(.one)
                isRegular = true
            case "\\":
                guard position < scalars.count else {
                    throw DockerfileError(line: 0, "syntax error in pattern \"\(text)\": trailing backslash")
                }
                tokens.append(.literal(scalars[position]))
                position += 1
                isRegular = true
            case "[":
                let (characterClass, end) = try Self.parseClass(scalars, from: position, pattern: text)
                tokens.append(.characterClass(characterClass))
                position = end
                isRegular = true
            default:
                tokens.append(.literal(scalar))
            }
        }
        if isRegular {
            form = .tokens(tokens)
        } else if kind == 2 {
            form = .suffix(String(text.unicodeScalars.dropFirst(2).map(Character.init)))
        } else if kind == 1 {
            form = .prefix(String(text.unicodeScalars.dropLast(2).map(Character.init)))
        } else {
            form = .exact
        }
    }

    /// Parses the class after `[` the way Go's `filepath.Match` validates it.
    private static func parseClass(
        _ scalars: [Unicode.Scalar], from start: Int, pattern: String
    ) throws(DockerfileError) -> (CharacterClass, Int) {
        let bad = DockerfileError(line: 0, "syntax error in pattern \"\(pattern)\": malformed character class")
        var position = start
        var negated = false
        if position < scalars.count, scalars[position] == "^" {
            negated = true
            position += 1
        }
        func escaped() throws(DockerfileError) -> Unicode.Scalar {
            guard position < scalars.count else { throw bad }
            var scalar = scalars[position]
            if scalar == "-" || scalar == "]" { throw bad }
            if scalar == "\\" {
                position += 1
                guard position < scalars.count else { throw bad }
                scalar = scalars[position]
            }
            position += 1
            return scalar
        }
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            if position < scalars.count, scalars[position] == "]", !ranges.isEmpty {
                position += 1
                return (CharacterClass(negated: negated, ranges: ranges), position)
            }
            let low = try escaped()
            var high = low
            if position < scalars.count, scalars[position] == "-" {
                position += 1
                high = try escaped()
            }
            guard low.value <= high.value else { throw bad }
            ranges.append(low.value...high.value)
        }
    }

    /// Whether the whole `path` matches.
    func matches(_ path: String) -> Bool {
        switch form {
        case .exact:
            return path == text
        case .prefix(let prefix):
            return path.hasPrefix(prefix)
        case .suffix(let suffix):
            if path.hasSuffix(suffix) { return true }
            return suffix.hasPrefix("/") && path == String(suffix.dropFirst())
        case .tokens(let tokens):
            let states = run(tokens, over: path)
            return states.contains(tokens.count)
        }
    }

    /// Whether some path strictly inside directory `directory` could match.
    func mayMatchInside(_ directory: String) -> Bool {
        let prefix = directory == "." ? "" : directory + "/"
        switch form {
        case .exact:
            return text.hasPrefix(prefix) && text.count > prefix.count
        case .prefix(let literal):
            return literal.hasPrefix(prefix) || prefix.hasPrefix(literal)
        case .suffix:
            return true
        case .tokens(let tokens):
            return !run(tokens, over: prefix).isEmpty
        }
    }

    // MARK: - Token automaton

    /// The automaton's states after reading `text`: `i` means "before token i", `count + 1 + i`
    /// means "inside the `**/` of token i".
    private func run(_ tokens: [Token], over text: String) -> Set<Int> {
        var states = closure([0], tokens)
        for scalar in text.unicodeScalars {
            var next: Set<Int> = []
            for state in states {
                if state < tokens.count {
                    switch tokens[state] {
                    case .literal(let literal):
                        if scalar == literal { next.insert(state + 1) }
                    case .one:
                        if scalar != "/" { next.insert(state + 1) }
                    case .characterClass(let characterClass):
                        if characterClass.contains(scalar) { next.insert(state + 1) }
                    case .star:
                        if scalar != "/" { next.insert(state) }
                    case .anything:
                        if scalar != "\n" { next.insert(state) }
                    case .globstarDirectories:
                        if scalar != "\n" { next.insert(tokens.count + 1 + state) }
                        if scalar == "/" { next.insert(state + 1) }
                    }
                } else if state > tokens.count {
                    let token = state - tokens.count - 1
                    if scalar != "\n" { next.insert(state) }
                    if scalar == "/" { next.insert(token + 1) }
                }
            }
            states = closure(next, tokens)
            if states.isEmpty { break }
        }
        return states
    }

    private func closure(_ states: Set<Int>, _ tokens: [Token]) -> Set<Int> {
        var result = states
        var pending = Array(states)
        while let state = pending.popLast() {
            guard state < tokens.count else { continue }
            switch tokens[state] {
            case .star, .anything, .globstarDirectories:
                if result.insert(state + 1).inserted { pending.append(state + 1) }
            default:
                break
            }
        }
        return result
    }
}
