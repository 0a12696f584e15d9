/// Docker's shell-word lexer: removes quotes and escapes, expands `$VAR`, `${VAR}` and the
/// `${VAR:-word}` family of operators, and can split the result into words.
///
/// It mimics `sh` only as far as Docker does: there is no command substitution, globbing or
/// arithmetic. Nested `${...}` words are processed recursively up to ``maximumDepth``.
public struct ShellLexer: Sendable {
    /// How deeply `${...}` words may nest before the lexer reports an error.
    public static let maximumDepth = 64
    /// The longest result (in UTF-8 bytes) a word may expand to; `ENV A=$A$A` repeated must not
    /// exhaust memory.
    public static let maximumResultLength = 8 << 20

    /// The escape character (`\` by default, or a backtick after `# escape=\``).
    public var escape: Unicode.Scalar
    /// Keep quote characters in the result (they still group and suppress expansion).
    public var keepsQuotes = false
    /// Keep escape characters in the result.
    public var keepsEscapes = false
    /// Leave references to unset variables as they were written instead of expanding them to "".
    public var leavesUnsetVariables = false
    /// Treat quote characters as ordinary characters.
    public var ignoresQuotes = false

    /// Creates a lexer that uses `escape` as its escape character.
    public init(escape: Unicode.Scalar = "\\") {
        self.escape = escape
    }

    /// Expands `word` as one word: quotes and escapes are removed, variables replaced; spaces are kept.
    public func processWord(
        _ word: String, lookup: (String) -> String?
    ) throws(DockerfileError) -> String {
        try process(word, lookup: lookup).result
    }

    /// Expands `word` and splits the result into words on unquoted whitespace.
    public func processWords(
        _ word: String, lookup: (String) -> String?
    ) throws(DockerfileError) -> [String] {
        try process(word, lookup: lookup).words
    }

    func process(
        _ word: String, lookup: (String) -> String?
    ) throws(DockerfileError) -> (result: String, words: [String]) {
        let outcome: Result<(result: String, words: [String]), DockerfileError> = withoutActuallyEscaping(lookup) {
            escapable in
            var run = LexerRun(lexer: self, scanner: ScalarScanner(word), lookup: escapable)
            return Result { () throws(DockerfileError) in
                try run.processUntil(nil, keepsEscapes: keepsEscapes, depth: 0)
            }
        }
        switch outcome {
        case .success(let value):
            guard value.result.utf8.count <= Self.maximumResultLength else {
                throw DockerfileError(
                    line: 0, "failed to process \"\(word.prefix(40))...\": expands to more than \(Self.maximumResultLength) bytes")
            }
            return value
        case .failure(let error):
            throw DockerfileError(line: error.line, "failed to process \"\(word)\": \(error.message)")
        }
    }
}
