extension REEManifest {
    /// The SBOM strategy's part of `ree.json` (see docs/ree-format.md).
    public struct PinningInfo: Codable, Sendable, Equatable {
        /// The pinned Dockerfile, relative to `context/`; the build builds it.
        public var dockerfile: String
        /// The pinned Dockerfile with its digest (checked before a build).
        public var files: [FileDigest]
        /// The snapshot the apt steps read; nil when no step runs apt or none could be derived.
        public var debianSnapshot: SnapshotInfo?
        /// ARGs the pinned Dockerfile adds, with their defaults (`REE_DEBIAN_SNAPSHOT`).
        public var arguments: [String: String]
        public var pinned: [PinnedItem]
        /// What could not be pinned, and why.
        public var unpinned: [UnpinnedItem]
        /// Requests the define's build made through the proxy.
        public var exchanges: Int

        enum CodingKeys: String, CodingKey {
            case dockerfile, files, arguments, pinned, unpinned, exchanges
            case debianSnapshot = "debian_snapshot"
        }
    }

    public struct SnapshotInfo: Codable, Sendable, Equatable {
        /// `ROOT/archive/debian/YYYYMMDDTHHMMSSZ`.
        public var url: String
        public var timestamp: String
        /// `image-sources` (a comment in the image's apt sources) or `configuration`.
        public var origin: String

        public init(url: String, timestamp: String, origin: String) {
            self.url = url
            self.timestamp = timestamp
            self.origin = origin
        }
    }

    /// One pin: `kind` is `base-image`, `deb`, `pypi` or `url` (ADD); `line` the Dockerfile line it is on.
    public struct PinnedItem: Codable, Sendable, Equatable {
        public var line: Int
        public var kind: String
        public var name: String
        public var version: String
        /// `sha256:…` of the file downloaded (pypi, url), the manifest digest (base-image).
        public var digest: String?

        public init(line: Int, kind: String, name: String, version: String, digest: String? = nil) {
            self.line = line
            self.kind = kind
            self.name = name
            self.version = version
            self.digest = digest
        }
    }

    public struct UnpinnedItem: Codable, Sendable, Equatable {
        public var line: Int
        /// The words in question, as written.
        public var what: String
        public var reason: String

        public init(line: Int, what: String, reason: String) {
            self.line = line
            self.what = what
            self.reason = reason
        }
    }
}
