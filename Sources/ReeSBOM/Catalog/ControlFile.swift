/// Stanzas of `Field: value` lines separated by blank lines, as dpkg's status file, Debian
/// copyright files and Python's METADATA (its header part) write them; also apk's `K:value` form.
struct ControlFile {
    struct Stanza {
        /// Lower-cased field name → value (continuation lines joined with "\n"); the first wins.
        var fields: [String: String] = [:]
        /// Every value of a field that may repeat (`Classifier`, DEP-5 `License`), in order.
        var all: [String: [String]] = [:]
        /// 1-based line of the stanza's first field.
        var line: Int = 0
        /// apk's keys are case-sensitive (`P` name, `p` provides); RFC 822 field names are not.
        var caseSensitive = false

        subscript(_ name: String) -> String? { fields[caseSensitive ? name : name.lowercased()] }
        func values(_ name: String) -> [String] { all[caseSensitive ? name : name.lowercased()] ?? [] }
    }

    var stanzas: [Stanza] = []
    /// Lines that are not fields, as "line N: reason".
    var problems: [String] = []
    /// The text did not end with a newline (a file cut short, or written by hand).
    var endsMidLine = false

    enum Syntax {
        /// `Name: value`, continuation lines start with a space or tab (RFC 822 style).
        case rfc822
        /// `K:value` with a one-letter key, no continuation lines (apk's installed database).
        case apk
    }

    /// Parses `bytes`; with `headerOnly` it stops at the first blank line (a METADATA's body follows).
    /// Lines are cut on bytes and decoded one by one: a line that is not UTF-8 or holds a NUL is a
    /// problem of its own, and the lines around it still count.
    init(_ bytes: [UInt8], syntax: Syntax = .rfc822, headerOnly: Bool = false) {
        endsMidLine = !bytes.isEmpty && bytes.last != UInt8(ascii: "\n")
        var current = Stanza(caseSensitive: syntax == .apk)
        var lastKey: String?
        var lineNumber = 0
        func finish() {
            if !current.fields.isEmpty { stanzas.append(current) }
            current = Stanza(caseSensitive: syntax == .apk)
            lastKey = nil
        }
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), colonByte = UInt8(ascii: ":")
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = bytes[start..<end]
            start = end + 1
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == space || $0 == tab }) {
                finish()
                if headerOnly && !stanzas.isEmpty { return }
                continue
            }
            guard !line.contains(0), String(validating: line, as: UTF8.self) != nil else {
                note(lineNumber, "binary data where text was expected")
                lastKey = nil
                continue
            }
            if syntax == .rfc822, let first = line.first, first == space || first == tab {
                guard let key = lastKey else {
                    note(lineNumber, "continuation line outside a field")
                    continue
                }
                let rest = line.dropFirst()
                let piece = rest.elementsEqual([UInt8(ascii: ".")]) ? "" : String(decoding: rest, as: UTF8.self)
                current.fields[key, default: ""] += "\n" + piece
                if var list = current.all[key], !list.isEmpty {
                    list[list.count - 1] += "\n" + piece
                    current.all[key] = list
                }
                continue
            }
            guard let colon = line.firstIndex(of: colonByte), colon != line.startIndex else {
                note(lineNumber, "not a 'Field: value' line")
                lastKey = nil
                continue
            }
            let rawKey = String(decoding: line[..<colon], as: UTF8.self)
            let key = syntax == .apk ? rawKey : rawKey.lowercased()
            if syntax == .apk && line.distance(from: line.startIndex, to: colon) != 1 || line[..<colon].contains(space) {
                note(lineNumber, "not a 'Field: value' line")
                lastKey = nil
                continue
            }
            var value = line[(colon + 1)...]
            if syntax == .rfc822 { while value.first == space || value.first == tab { value = value.dropFirst() } }
            while value.last == space || value.last == tab { value = value.dropLast() }
            if current.fields.isEmpty { current.line = lineNumber }
            let v = String(decoding: value, as: UTF8.self)
            if current.fields[key] == nil { current.fields[key] = v }
            current.all[key, default: []].append(v)
            lastKey = key
        }
        finish()
    }

    private mutating func note(_ line: Int, _ reason: String) {
        problems.append("line \(line): \(reason)")
    }
}
