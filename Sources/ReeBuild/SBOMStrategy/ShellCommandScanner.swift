/// Just enough of the POSIX shell grammar to find the simple commands of a RUN line and the exact
/// text range of each word, so the pinner can rewrite `apt-get install` and `pip install`
/// arguments in place and leave everything else byte for byte as the author wrote it.
/// Quotes, escapes, `$(...)` and backticks stay inside their word; `&&`, `||`, `;`, `|`, `&`,
/// parentheses and newlines end a command.
struct ShellCommandScanner {
    struct Word: Equatable {
        /// The word's text as written (quotes included).
        var raw: String
        var range: Range<String.Index>
        /// True when the word has no quoting, expansion or glob: its raw text is its value.
        var isPlain: Bool
        /// The value for plain words; for others, the raw text with quotes dropped (best effort).
        var value: String
    }

    struct Command: Equatable {
        var words: [Word]
        /// The operator that ended the command (`&&`, `|`, `;`, newline...), nil at the end.
        var terminator: String?
        var terminatorRange: Range<String.Index>?
    }

    static func commands(_ text: String) -> [Command] {
        var commands: [Command] = []
        var words: [Word] = []
        var i = text.startIndex
        func finish(_ op: String?, _ range: Range<String.Index>?) {
            commands.append(Command(words: words, terminator: op, terminatorRange: range))
            words = []
        }
        while i < text.endIndex {
            let c = text[i]
            if c == " " || c == "\t" { i = text.index(after: i); continue }
            if c == "\\", text.index(after: i) < text.endIndex, text[text.index(after: i)] == "\n" {
                i = text.index(i, offsetBy: 2)
                continue
            }
            if c == "#" {   // only reached at the start of a word: a comment to the end of the line
                while i < text.endIndex && text[i] != "\n" { i = text.index(after: i) }
                continue
            }
            for op in ["&&", "||", ";;", ";", "|", "&", "(", ")", "\n"] where text[i...].hasPrefix(op) {
                let end = text.index(i, offsetBy: op.count)
                finish(op, i..<end)
                i = end
                break
            }
            if i < text.endIndex, !" \t&|;()\n".contains(text[i]) {
                let (word, end) = scanWord(text, from: i)
                words.append(word)
                i = end
            }
        }
        if !words.isEmpty { finish(nil, nil) }
        return commands.filter { !$0.words.isEmpty }
    }

    private static func scanWord(_ text: String, from start: String.Index) -> (Word, String.Index) {
        var i = start
        var plain = true
        var value = ""
        while i < text.endIndex {
            let c = text[i]
            if " \t\n;&|()".contains(c) { break }
            switch c {
            case "'":
                plain = false
                i = text.index(after: i)
                while i < text.endIndex && text[i] != "'" { value.append(text[i]); i = text.index(after: i) }
                if i < text.endIndex { i = text.index(after: i) }
            case "\"":
                plain = false
                i = text.index(after: i)
                while i < text.endIndex && text[i] != "\"" {
                    if text[i] == "\\", text.index(after: i) < text.endIndex { i = text.index(after: i) }
                    value.append(text[i])
                    i = text.index(after: i)
                }
                if i < text.endIndex { i = text.index(after: i) }
            case "\\":
                plain = false
                i = text.index(after: i)
                if i < text.endIndex { value.append(text[i]); i = text.index(after: i) }
            case "$", "`":
                plain = false
                i = skipExpansion(text, from: i, into: &value)
            default:
                if "*?[]{}~".contains(c) { plain = false }
                value.append(c)
                i = text.index(after: i)
            }
        }
        return (Word(raw: String(text[start..<i]), range: start..<i, isPlain: plain, value: value), i)
    }

    /// Skips `$name`, `${...}`, `$(...)` and backticks (nested parentheses counted).
    private static func skipExpansion(_ text: String, from start: String.Index, into value: inout String) -> String.Index {
        var i = start
        let opener = text[i]
        value.append(opener)
        i = text.index(after: i)
        if opener == "`" {
            while i < text.endIndex && text[i] != "`" { value.append(text[i]); i = text.index(after: i) }
            if i < text.endIndex { value.append(text[i]); i = text.index(after: i) }
            return i
        }
        guard i < text.endIndex else { return i }
        let pairs: [Character: Character] = ["(": ")", "{": "}"]
        if let close = pairs[text[i]] {
            let open = text[i]
            var depth = 0
            while i < text.endIndex {
                if text[i] == open { depth += 1 }
                if text[i] == close { depth -= 1 }
                value.append(text[i])
                i = text.index(after: i)
                if depth == 0 { break }
            }
            return i
        }
        while i < text.endIndex && (text[i].isLetter || text[i].isNumber || text[i] == "_") {
            value.append(text[i])
            i = text.index(after: i)
        }
        return i
    }
}
