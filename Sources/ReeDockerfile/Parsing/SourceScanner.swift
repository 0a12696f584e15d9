/// Reads a Dockerfile's physical lines into logical instruction lines the way Docker does:
/// parser directives at the top, comments and blank lines skipped, continuation lines joined
/// (comment and blank lines inside a continuation dropped), and heredoc bodies read on request.
struct SourceScanner {
    /// One logical line and where it came from.
    struct LogicalLine {
        var text: String
        var startLine: Int
        var endLine: Int
    }

    private struct PhysicalLine {
        var text: Substring
        var hasNewline: Bool
    }

    private let lines: [PhysicalLine]
    private var nextIndex = 0
    private(set) var escape: Unicode.Scalar = "\\"
    private(set) var syntax: String?
    private var directivesDone = false
    private var seenDirectives: Set<String> = []
    /// Warnings met so far (empty continuation lines, which Docker plans to reject).
    private(set) var warnings: [DockerfileWarning] = []

    init(text: String) {
        var lines: [PhysicalLine] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index] == "\n" {
                lines.append(PhysicalLine(text: Substring(scalars[start..<index]), hasNewline: true))
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        if start < scalars.endIndex {
            lines.append(PhysicalLine(text: Substring(scalars[start...]), hasNewline: false))
        }
        self.lines = lines
    }

    /// The number of the last line read so far.
    var currentLine: Int { nextIndex }

    /// The next instruction line, or nil at the end of the text.
    mutating func nextLogicalLine() throws(DockerfileError) -> LogicalLine? {
        while nextIndex < lines.count {
            var raw = lines[nextIndex].text.trimmingNewline
            if nextIndex == 0, raw.unicodeScalars.first == "\u{FEFF}" {
                raw = String(String.UnicodeScalarView(raw.unicodeScalars.dropFirst()))
            }
            let stripped = raw.trimmingLeadingSpace
            try parseDirective(stripped, line: nextIndex + 1)
            nextIndex += 1
            let startLine = nextIndex
            let processed = stripped.startsWith("#") ? "" : stripped
            var (text, isEndOfLine) = trimContinuation(processed)
            if isEndOfLine && text.isEmpty { continue }
            while !isEndOfLine && nextIndex < lines.count {
                let continued = lines[nextIndex].text.trimmingNewline
                nextIndex += 1
                let leftTrimmed = continued.trimmingLeadingSpace
                if leftTrimmed.startsWith("#") { continue }
                if leftTrimmed.isEmpty {
                    warnings.append(DockerfileWarning(line: nextIndex, "empty continuation line"))
                    continue
                }
                let (piece, end) = trimContinuation(continued)
                text += piece
                isEndOfLine = end
            }
            return LogicalLine(text: text, startLine: startLine, endLine: nextIndex)
        }
        return nil
    }

    /// Reads a heredoc body up to the line equal to `terminator` (after removing leading tabs when
    /// `stripsTabs`), returning the lines with their newlines; tabs are removed from the body too.
    mutating func readHeredocBody(terminator: String, stripsTabs: Bool, startLine: Int) throws(DockerfileError) -> String {
        var content = ""
        while nextIndex < lines.count {
            let line = lines[nextIndex]
            nextIndex += 1
            var candidate = line.text.trimmingNewline
            if stripsTabs { candidate = String(candidate.drop { $0 == "\t" }) }
            if candidate == terminator { return content }
            var body = String(line.text)
            if stripsTabs { body = String(body.drop { $0 == "\t" }) }
            content += body
            if line.hasNewline { content += "\n" }
        }
        throw DockerfileError(line: startLine, "unterminated heredoc: expected a line with only \(terminator)")
    }

    /// Docker's continuation rule: the escape character as the last non-blank character, not itself
    /// escaped, ends the line early and joins the next one.
    private func trimContinuation(_ line: String) -> (text: String, isEndOfLine: Bool) {
        var scalars = Array(line.unicodeScalars)
        var end = scalars.count
        while end > 0, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
        guard end > 0, scalars[end - 1] == escape else { return (line, true) }
        if end >= 2, scalars[end - 2] == escape { return (line, true) }
        scalars.removeSubrange((end - 1)...)
        return (String(String.UnicodeScalarView(scalars)), false)
    }

    /// Parser directives (`# syntax=...`, `# escape=...`, `# check=...`) are recognised only until
    /// the first line that is not one.
    private mutating func parseDirective(_ line: String, line number: Int) throws(DockerfileError) {
        guard !directivesDone else { return }
        guard line.startsWith("#") else {
            directivesDone = true
            return
        }
        let body = String(String.UnicodeScalarView(line.unicodeScalars.dropFirst())).trimmingLeadingSpace
        guard let equals = body.firstIndex(of: "=") else {
            directivesDone = true
            return
        }
        let key = body[..<equals].trimmingSpace
        let value = body[body.index(after: equals)...].trimmingSpace
        let isName = key.unicodeScalars.first.map { $0.isASCII && $0.properties.isAlphabetic } ?? false
            && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType == .decimal) }
        let lowered = key.lowercased()
        guard isName, !value.isEmpty, ["syntax", "escape", "check"].contains(lowered) else {
            directivesDone = true
            return
        }
        guard !seenDirectives.contains(lowered) else {
            throw DockerfileError(line: number, "only one \(lowered) parser directive can be used")
        }
        seenDirectives.insert(lowered)
        switch lowered {
        case "escape":
            guard value == "\\" || value == "`", let scalar = value.unicodeScalars.first else {
                throw DockerfileError(line: number, "invalid escape token '\(value)' does not match ` or \\")
            }
            escape = scalar
        case "syntax":
            syntax = value
        default:
            break
        }
    }
}
