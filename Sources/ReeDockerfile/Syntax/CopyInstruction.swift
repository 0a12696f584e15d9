/// `COPY [--from=S] [--chown=U:G] [--chmod=M] [--link] [--parents] [--exclude=P] src... dest`.
public struct CopyInstruction: Sendable, Equatable {
    /// The sources in order: paths or here-documents.
    public var sources: [CopySource]
    /// The destination path.
    public var destination: String
    /// The `--from` stage name, stage index or image.
    public var from: String?
    /// The `--chown` value.
    public var chown: String?
    /// The `--chmod` value.
    public var chmod: String?
    /// Whether `--link` was given.
    public var link: Bool
    /// Whether `--parents` was given.
    public var parents: Bool
    /// `--exclude` patterns.
    public var excludes: [String]

    /// Creates a `COPY`.
    public init(
        sources: [CopySource], destination: String, from: String? = nil, chown: String? = nil,
        chmod: String? = nil, link: Bool = false, parents: Bool = false, excludes: [String] = []
    ) {
        self.sources = sources
        self.destination = destination
        self.from = from
        self.chown = chown
        self.chmod = chmod
        self.link = link
        self.parents = parents
        self.excludes = excludes
    }
}
