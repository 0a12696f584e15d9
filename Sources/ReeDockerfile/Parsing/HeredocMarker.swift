/// Finds `<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<'EOF'` markers the way Docker does.
struct HeredocMarker: Equatable {
    var name: String
    var expands: Bool
    var stripsTabs: Bool
    var fileDescriptor: Int?

    /// The markers in a whole instruction line, in order. A line that cannot be split into words
    /// (an unterminated quote, say) has none, as in Docker.
    static func markers(inLine line: String) throws(DockerfileError) -> [HeredocMarker] {
        var lexer = ShellLexer(escape: "\\")
        lexer.keepsQuotes = true
        lexer.keepsEscapes = true
        lexer.leavesUnsetVariables = true
        guard let words = try? lexer.processWords(line, lookup: { _ in nil }) else { return [] }
        var markers: [HeredocMarker] = []
        for word in words {
            if let marker = try parse(word) { markers.append(marker) }
        }
        return markers
    }

    /// The marker that a single word is, if it is one (`^(\d*)<<(-?)\s*([^<]*)$`).
    static func parse(_ word: String) throws(DockerfileError) -> HeredocMarker? {
        var scalars = Substring(word).unicodeScalars[...]
        let digits = scalars.prefix { $0 >= "0" && $0 <= "9" }
        scalars = scalars.dropFirst(digits.count)
        guard scalars.starts(with: "<<".unicodeScalars) else { return nil }
        scalars = scalars.dropFirst(2)
        let stripsTabs = scalars.first == "-"
        if stripsTabs { scalars = scalars.dropFirst() }
        scalars = scalars.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard !scalars.isEmpty, !scalars.contains("<") else { return nil }
        let rest = String(String.UnicodeScalarView(scalars))

        var lexer = ShellLexer(escape: "\\")
        lexer.leavesUnsetVariables = true
        let words = try lexer.processWords(rest, lookup: { _ in nil })
        guard words.count == 1, let name = words.first else { return nil }
        lexer.keepsQuotes = true
        let rawWords = try lexer.processWords(rest, lookup: { _ in nil })
        guard rawWords.count == words.count, let rawName = rawWords.first else {
            throw DockerfileError(line: 0, "internal lexing of heredoc produced inconsistent results: \(rest)")
        }
        func quoteCount(_ text: String) -> Int {
            text.unicodeScalars.count { $0 == "'" || $0 == "\"" }
        }
        return HeredocMarker(
            name: name,
            expands: quoteCount(name) == quoteCount(rawName),
            stripsTabs: stripsTabs,
            fileDescriptor: Int(String(String.UnicodeScalarView(digits)))
        )
    }
}
