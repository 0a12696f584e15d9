import ReeOCI
import ReeOS

/// A base image recipe: `rootfs/<name>/recipe.json`, plus files under `rootfs/<name>/files/`
/// copied over the result (owned by root, modes kept).
public struct BaseImageRecipe: Decodable, Sendable {
    public enum Source: Decodable, Sendable {
        /// Unpack Debian packages fetched with the host's apt (`apt-get download`).
        case debs(packages: [String], busyboxApplets: Bool)
        /// Run `mmdebstrap` with the host's apt sources.
        case mmdebstrap(suite: String, variant: String, include: [String])

        private enum CodingKeys: String, CodingKey { case kind, packages, busyboxApplets, suite, variant, include }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            switch try c.decode(String.self, forKey: .kind) {
            case "debs":
                self = .debs(packages: try c.decode([String].self, forKey: .packages),
                             busyboxApplets: try c.decodeIfPresent(Bool.self, forKey: .busyboxApplets) ?? false)
            case "mmdebstrap":
                self = .mmdebstrap(suite: try c.decode(String.self, forKey: .suite),
                                   variant: try c.decodeIfPresent(String.self, forKey: .variant) ?? "minbase",
                                   include: try c.decodeIfPresent([String].self, forKey: .include) ?? [])
            case let other:
                throw ReeError(.unsupported, "unknown recipe source kind '\(other)' (expected debs or mmdebstrap)")
            }
        }
    }

    public var source: Source
    /// The image config (`Env`, `Cmd`...).
    public var config: ContainerConfig?
    /// `SOURCE_DATE_EPOCH` used when none is given: the same recipe gives the same digest.
    public var epoch: Int64
    /// Paths to drop from the result (volatile files that would break reproducibility).
    public var exclude: [String]?
    public var description: String?

    /// Loads `<directory>/recipe.json`.
    public static func load(from directory: String) throws -> BaseImageRecipe {
        let path = directory + "/recipe.json"
        return try CanonicalJSON.decode(BaseImageRecipe.self, from: FileSystem.readFile(path), source: path)
    }
}
