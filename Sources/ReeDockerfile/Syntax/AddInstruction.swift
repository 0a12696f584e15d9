/// `ADD [--chown=U:G] [--chmod=M] [--link] [--checksum=D] [--keep-git-dir] src... dest`.
public struct AddInstruction: Sendable, Equatable {
    /// The sources in order: paths, URLs or here-documents.
    public var sources: [CopySource]
    /// The destination path.
    public var destination: String
    /// The `--chown` value.
    public var chown: String?
    /// The `--chmod` value.
    public var chmod: String?
    /// Whether `--link` was given.
    public var link: Bool
    /// The `--checksum` value (for remote sources).
    public var checksum: String?
    /// The `--keep-git-dir` value, if given.
    public var keepGitDirectory: Bool?
    /// The `--unpack` value, if given.
    public var unpack: Bool?
    /// `--exclude` patterns.
    public var excludes: [String]

    /// Creates an `ADD`.
    public init(
        sources: [CopySource], destination: String, chown: String? = nil, chmod: String? = nil,
        link: Bool = false, checksum: String? = nil, keepGitDirectory: Bool? = nil, unpack: Bool? = nil,
        excludes: [String] = []
    ) {
        self.sources = sources
        self.destination = destination
        self.chown = chown
        self.chmod = chmod
        self.link = link
        self.checksum = checksum
        self.keepGitDirectory = keepGitDirectory
        self.unpack = unpack
        self.excludes = excludes
    }
}
