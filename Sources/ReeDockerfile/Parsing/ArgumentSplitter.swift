/// Splits instruction text into the pieces Docker's parser produces before instruction-specific
/// parsing: the keyword, the leading `--flags`, and quote-aware words.
struct ArgumentSplitter {
    let escape: Unicode.Scalar

    /// The keyword, the `--flag` words, and the remaining arguments (trimmed).
    func splitCommand(_ line: String) -> (keyword: String, flags: [String], arguments: String) {
        let (keyword, rest) = line.trimmingSpace.splitAtFirstArgumentSpace
        guard let rest else { return (keyword, [], "") }
        let (arguments, flags) = extractFlags(rest)
        return (keyword, flags, arguments.trimmingSpace)
    }

    /// Leading words that start with `--`, quotes and escapes removed; stops at the first other
    /// word or at a bare `--`.
    func extractFlags(_ line: String) -> (rest: String, flags: [String]) {
        let scalars = Array(line.unicodeScalars)
        var flags: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var blankOK = false
        var position = 0
        func rest(from index: Int) -> String {
            String(String.UnicodeScalarView(scalars[min(index, scalars.count)...]))
        }
        while position <= scalars.count {
            let atEnd = position == scalars.count
            let scalar: Unicode.Scalar = atEnd ? " " : scalars[position]
            if !inWord {
                if atEnd { break }
                if scalar.isSpace {
                    position += 1
                    continue
                }
                let next = position + 1 < scalars.count ? scalars[position + 1] : nil
                if scalar != "-" || next != "-" { return (rest(from: position), flags) }
                inWord = true
            }
            if atEnd {
                let text = String(word)
                if text != "--", blankOK || !text.isEmpty { flags.append(text) }
                break
            }
            if let open = quote {
                if scalar == open {
                    quote = nil
                } else if scalar == escape {
                    if position + 1 == scalars.count {
                        quote = nil
                    } else {
                        position += 1
                        word.append(scalars[position])
                    }
                } else {
                    word.append(scalar)
                }
                position += 1
                continue
            }
            if scalar.isSpace {
                let text = String(word)
                if text == "--" { return (rest(from: position), flags) }
                if blankOK || !text.isEmpty { flags.append(text) }
                word = String.UnicodeScalarView()
                inWord = false
                blankOK = false
                position += 1
                continue
            }
            if scalar == "'" || scalar == "\"" {
                quote = scalar
                blankOK = true
                position += 1
                continue
            }
            if scalar == escape {
                if position + 1 == scalars.count {
                    position += 1
                    continue
                }
                position += 1
                word.append(scalars[position])
            } else {
                word.append(scalar)
            }
            position += 1
        }
        return ("", flags)
    }

    /// Quote-aware words for `ENV`, `LABEL` and `ARG`: quotes and escapes are kept for the
    /// expansion step, but whitespace inside quotes does not split.
    func words(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var blankOK = false
        var position = 0
        while position < scalars.count {
            let scalar = scalars[position]
            if !inWord {
                if scalar.isSpace {
                    position += 1
                    continue
                }
                inWord = true
            }
            if let open = quote {
                if scalar == open { quote = nil }
                if scalar == escape && open != "'" {
                    if position + 1 == scalars.count {
                        quote = nil
                        position += 1
                        continue
                    }
                    word.append(scalar)
                    position += 1
                }
                word.append(scalars[position])
                position += 1
                continue
            }
            if scalar.isSpace {
                if blankOK || !word.isEmpty { words.append(String(word)) }
                word = String.UnicodeScalarView()
                inWord = false
                blankOK = false
                position += 1
                continue
            }
            if scalar == "'" || scalar == "\"" {
                quote = scalar
                blankOK = true
            }
            if scalar == escape {
                if position + 1 == scalars.count {
                    position += 1
                    continue
                }
                word.append(scalar)
                position += 1
            }
            word.append(scalars[position])
            position += 1
        }
        if inWord, blankOK || !word.isEmpty { words.append(String(word)) }
        return words
    }
}
