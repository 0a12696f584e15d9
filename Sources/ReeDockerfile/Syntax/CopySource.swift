/// A source of `COPY` or `ADD`.
public enum CopySource: Sendable, Equatable {
    /// A path in the build context (or in `--from`), possibly with wildcards; for `ADD` also a URL.
    case path(String)
    /// A file created from a here-document; its name is the heredoc's delimiter.
    case heredoc(Heredoc)
}
