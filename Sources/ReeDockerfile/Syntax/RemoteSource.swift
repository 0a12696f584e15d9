/// An `ADD` source that is not a context path: an HTTP(S) URL or a Git repository.
/// The classification follows BuildKit's Dockerfile frontend: Git is recognised first.
public enum RemoteSource: Sendable, Equatable {
    /// An `http://` or `https://` URL, and the file name it is saved under when the destination
    /// is a directory: the last component of the URL's path, percent-decoded, or `__unnamed__`.
    case http(url: String, fileName: String)
    /// A Git repository (`git://`, `ssh://`, `git@host:path`, or an HTTP(S) URL ending in `.git`).
    case git(String)

    /// nil for a context path.
    public init?(_ source: String) {
        let lower = source.lowercased()
        if lower.hasPrefix("git://") || lower.hasPrefix("ssh://") || lower.hasPrefix("git@") {
            self = .git(source)
            return
        }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        let path = Self.path(of: source)
        if path.hasSuffix(".git") || source.contains(".git#") {
            self = .git(source)
            return
        }
        self = .http(url: source, fileName: Self.fileName(path: path))
    }

    /// The URL as given, for messages.
    public var url: String {
        switch self {
        case .http(let url, _): return url
        case .git(let url): return url
        }
    }

    /// The path of an absolute URL: after the authority, before `?` and `#`.
    static func path(of url: String) -> String {
        guard let colon = url.firstIndex(of: ":") else { return "" }
        var rest = url[url.index(after: colon)...].drop { $0 == "/" }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...])
    }

    /// Go's `path.Base` of the decoded path, as BuildKit names a downloaded file.
    static func fileName(path: String) -> String {
        let decoded = percentDecoded(path)
        let base = decoded.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        if base.isEmpty || base == "." || base == ".." { return "__unnamed__" }
        return base
    }

    /// `%XX` sequences decoded as UTF-8 bytes; a malformed sequence stays as written.
    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "%"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension CopySource {
    /// The remote source this names (`ADD` only), nil for context paths and here-documents.
    public var remote: RemoteSource? {
        guard case .path(let p) = self else { return nil }
        return RemoteSource(p)
    }
}
