/// A here-document attached to a `RUN`, `COPY` or `ADD` instruction (`<<EOF ... EOF`).
public struct Heredoc: Sendable, Equatable {
    /// The delimiter word, quotes removed (`EOF` for `<<"EOF"`).
    public var name: String
    /// The body: every line up to the delimiter, each with its newline.
    /// Leading tabs are already removed for `<<-`.
    public var content: String
    /// Whether variables in the body are expanded (false when the delimiter was quoted).
    public var expands: Bool
    /// Whether the heredoc was written `<<-` (leading tabs stripped).
    public var stripsLeadingTabs: Bool
    /// The file descriptor written before `<<` (as in `3<<EOF`), if any.
    public var fileDescriptor: Int?

    /// Creates a heredoc.
    public init(
        name: String, content: String, expands: Bool = true,
        stripsLeadingTabs: Bool = false, fileDescriptor: Int? = nil
    ) {
        self.name = name
        self.content = content
        self.expands = expands
        self.stripsLeadingTabs = stripsLeadingTabs
        self.fileDescriptor = fileDescriptor
    }
}
