/// One package found in an image. The fields a later pinning step needs are plain values:
/// `ecosystem == .deb` gives `name=version` (and `architecture`) for `apt-get install`,
/// `ecosystem == .pypi` gives `normalizedName==version` for `pip install`.
public struct Package: Hashable, Sendable, Codable {
    public enum Ecosystem: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
        case deb, apk, pypi, npm
        public static func < (a: Ecosystem, b: Ecosystem) -> Bool { a.rawValue < b.rawValue }
    }

    public var ecosystem: Ecosystem
    /// The name as the package manager records it (dpkg `Package`, PyPI `Name`, npm `name`).
    public var name: String
    public var version: String
    /// dpkg `Architecture` (`amd64`, `all`), apk `A:`; nil for language packages.
    public var architecture: String?
    /// dpkg `Source` / apk origin, when it differs from the name.
    public var sourceName: String?
    /// The source version when dpkg records one different from `version`.
    public var sourceVersion: String?
    /// SPDX license ids where recognised, else the names as written (see `License`).
    public var licenses: [License]
    /// The file the package was read from, absolute in the image (`/var/lib/dpkg/status`).
    public var location: String
    /// The package URL.
    public var purl: String

    public init(ecosystem: Ecosystem, name: String, version: String, architecture: String? = nil,
                sourceName: String? = nil, sourceVersion: String? = nil, licenses: [License] = [],
                location: String, purl: String) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
        self.architecture = architecture
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.licenses = licenses
        self.location = location
        self.purl = purl
    }

    /// The name as the ecosystem compares names: PyPI's normalised form (PEP 503), npm and
    /// Debian names as they are (already lower-case by rule).
    public var normalizedName: String {
        ecosystem == .pypi ? PackageURL.normalizePythonName(name) : name
    }

    /// Sorting order for documents: ecosystem, name, version, location.
    static func ordered(_ a: Package, _ b: Package) -> Bool {
        (a.ecosystem, a.normalizedName, a.version, a.location, a.architecture ?? "")
            < (b.ecosystem, b.normalizedName, b.version, b.location, b.architecture ?? "")
    }
}
