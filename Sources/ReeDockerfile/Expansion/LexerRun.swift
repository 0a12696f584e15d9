/// One pass of the lexer over one word.
struct LexerRun {
    let lexer: ShellLexer
    var scanner: ScalarScanner
    let lookup: (String) -> String?

    mutating func processUntil(
        _ stop: Unicode.Scalar?, keepsEscapes: Bool, depth: Int
    ) throws(DockerfileError) -> (result: String, words: [String]) {
        guard depth <= ShellLexer.maximumDepth else {
            throw DockerfileError(line: 0, "syntax error: substitutions nested too deeply")
        }
        var result = ""
        var words = WordAccumulator()
        scan: while let scalar = scanner.peek() {
            if let stop, scalar == stop {
                scanner.next()
                return (result, words.finish())
            }
            switch scalar {
            case "$":
                let text = try processDollar(depth: depth)
                result += text
                words.add(text)
            case "<":
                let text = processPossibleHeredoc()
                result += text
                words.addRaw(text)
            case "'" where !lexer.ignoresQuotes:
                let text = try processSingleQuote()
                result += text
                words.addRaw(text)
            case "\"" where !lexer.ignoresQuotes:
                let text = try processDoubleQuote(keepsEscapes: keepsEscapes, depth: depth)
                result += text
                words.addRaw(text)
            default:
                scanner.next()
                if scalar == lexer.escape {
                    if keepsEscapes {
                        words.addRaw(scalar)
                        result.unicodeScalars.append(scalar)
                    }
                    guard let escaped = scanner.next() else { break scan }
                    words.addRaw(escaped)
                    result.unicodeScalars.append(escaped)
                } else {
                    words.add(scalar)
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        if let stop {
            throw DockerfileError(line: 0, "unexpected end of statement while looking for matching \(Character(stop))")
        }
        return (result, words.finish())
    }

    private mutating func processSingleQuote() throws(DockerfileError) -> String {
        var result = ""
        let open = scanner.next()
        if lexer.keepsQuotes, let open { result.unicodeScalars.append(open) }
        while true {
            guard let scalar = scanner.next() else {
                throw DockerfileError(line: 0, "unexpected end of statement while looking for matching single-quote")
            }
            if scalar == "'" {
                if lexer.keepsQuotes { result.unicodeScalars.append(scalar) }
                return result
            }
            result.unicodeScalars.append(scalar)
        }
    }

    private mutating func processDoubleQuote(keepsEscapes: Bool, depth: Int) throws(DockerfileError) -> String {
        var result = ""
        let open = scanner.next()
        if lexer.keepsQuotes, let open { result.unicodeScalars.append(open) }
        while true {
            guard let scalar = scanner.peek() else {
                throw DockerfileError(line: 0, "unexpected end of statement while looking for matching double-quote")
            }
            switch scalar {
            case "\"":
                scanner.next()
                if lexer.keepsQuotes { result.unicodeScalars.append(scalar) }
                return result
            case "$":
                result += try processDollar(depth: depth)
            default:
                scanner.next()
                var character = scalar
                if scalar == lexer.escape {
                    if keepsEscapes { result.unicodeScalars.append(scalar) }
                    guard let following = scanner.peek() else { continue }
                    if following == "\"" || following == "$" || following == lexer.escape {
                        scanner.next()
                        character = following
                    }
                }
                result.unicodeScalars.append(character)
            }
        }
    }

    private mutating func processDollar(depth: Int) throws(DockerfileError) -> String {
        scanner.next()
        guard scanner.peek() == "{" else {
            let name = processName()
            if name.isEmpty { return "$" }
            if let value = lookup(name) { return value }
            return lexer.leavesUnsetVariables ? "$" + name : ""
        }
        scanner.next()
        switch scanner.peek() {
        case nil:
            throw DockerfileError(line: 0, "syntax error: missing '}'")
        case "{", "}", ":":
            throw DockerfileError(line: 0, "syntax error: bad substitution")
        default:
            break
        }
        let name = processName()
        guard var operation = scanner.next() else {
            throw DockerfileError(line: 0, "syntax error: missing '}'")
        }
        var spelled = String(Character(operation))
        switch operation {
        case "}":
            if let value = lookup(name) { return value }
            return lexer.leavesUnsetVariables ? "${\(name)}" : ""
        case "/":
            return try processReplacement(name: name, depth: depth)
        case ":", "+", "-", "?", "#", "%":
            break
        default:
            throw DockerfileError(line: 0, "unsupported modifier (\(spelled)) in substitution")
        }
        var nullIsUnset = false
        if operation == ":" {
            nullIsUnset = true
            guard let following = scanner.next() else {
                throw DockerfileError(line: 0, "syntax error: missing '}'")
            }
            operation = following
            spelled.unicodeScalars.append(following)
        }
        let isPattern = operation == "#" || operation == "%"
        if nullIsUnset && isPattern {
            throw DockerfileError(line: 0, "unsupported modifier (\(spelled)) in substitution")
        }
        let word: String
        do {
            word = try processUntil("}", keepsEscapes: isPattern, depth: depth + 1).result
        } catch {
            if scanner.atEnd { throw DockerfileError(line: 0, "syntax error: missing '}'") }
            throw error
        }
        let value = lookup(name)
        if value == nil, lexer.leavesUnsetVariables {
            return "${\(name)\(spelled)\(word)}"
        }
        let isEmptyOrUnset = value == nil || (nullIsUnset && value == "")
        switch operation {
        case "-":
            return isEmptyOrUnset ? word : (value ?? "")
        case "+":
            return isEmptyOrUnset ? "" : word
        case "?":
            guard let value else {
                throw DockerfileError(line: 0, "\(name): \(word.isEmpty ? "is not allowed to be unset" : word)")
            }
            if nullIsUnset && value.isEmpty {
                throw DockerfileError(line: 0, "\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
            }
            return value
        case "#", "%":
            var pattern = Substring(word)
            var greedy = false
            if let first = pattern.unicodeScalars.first, first == operation {
                greedy = true
                pattern = pattern.dropFirst()
            }
            let glob = try ShellPattern(String(pattern))
            if operation == "#" {
                return glob.trimmingPrefix(of: value ?? "", longest: greedy)
            }
            return glob.trimmingSuffix(of: value ?? "", longest: greedy)
        default:
            throw DockerfileError(line: 0, "unsupported modifier (\(spelled)) in substitution")
        }
    }

    private mutating func processReplacement(name: String, depth: Int) throws(DockerfileError) -> String {
        let replaceAll = scanner.peek() == "/"
        if replaceAll { scanner.next() }
        let pattern: String
        do {
            pattern = try processUntil("/", keepsEscapes: true, depth: depth + 1).result
        } catch {
            if scanner.atEnd { throw DockerfileError(line: 0, "syntax error: missing '/' in ${}") }
            throw error
        }
        let replacement: String
        do {
            replacement = try processUntil("}", keepsEscapes: true, depth: depth + 1).result
        } catch {
            if scanner.atEnd { throw DockerfileError(line: 0, "syntax error: missing '}'") }
            throw error
        }
        guard let value = lookup(name) else {
            return lexer.leavesUnsetVariables ? "${\(name)/\(pattern)/\(replacement)}" : ""
        }
        let glob = try ShellPattern(pattern)
        return try glob.replacing(in: value, with: replacement, all: replaceAll)
    }

    private mutating func processName() -> String {
        var name = ""
        while let scalar = scanner.peek() {
            if name.isEmpty, scalar.properties.numericType == .decimal {
                while let digit = scanner.peek(), digit.properties.numericType == .decimal {
                    scanner.next()
                    name.unicodeScalars.append(digit)
                }
                return name
            }
            if name.isEmpty, "@*#?-$!0".unicodeScalars.contains(scalar) {
                scanner.next()
                return String(Character(scalar))
            }
            let isNameCharacter = scalar.properties.isAlphabetic
                || scalar.properties.numericType == .decimal || scalar == "_"
            guard isNameCharacter else { break }
            scanner.next()
            name.unicodeScalars.append(scalar)
        }
        return name
    }

    private mutating func processPossibleHeredoc() -> String {
        scanner.next()
        guard scanner.peek() == "<" else { return "<" }
        scanner.next()
        var result = "<<"
        while let scalar = scanner.peek(), scalar == " " || scalar == "\t" || scalar == "\r" {
            scanner.next()
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
