import Foundation
import ReeSBOM

/// `report.json` of a build from an sbom-strategy REE: the new image must hold every package of
/// the REE's SBOM at the same version; its digest may differ (the pinned Dockerfile is another
/// Dockerfile, and the archives' files carry their own times).
public struct SBOMBuildReport: Codable, Sendable, Equatable {
    public struct Difference: Codable, Sendable, Equatable {
        /// The package URL without its version (`pkg:deb/debian/bash?arch=amd64&distro=debian-12`).
        public var package: String
        /// Versions in the REE's SBOM and in the build (empty: none).
        public var define: [String]
        public var build: [String]
    }

    public var strategy = "sbom"
    public var defineDigest: String
    public var buildDigest: String
    /// Every package of the REE's SBOM is in the build at the same version.
    public var samePackages: Bool
    /// How many packages the REE's SBOM lists.
    public var packages: Int
    /// Packages of the SBOM missing from the build or at another version.
    public var differences: [Difference]
    /// Packages only the build has (not a failure: reported for the reader).
    public var extra: [String]
    /// Requests the build made through the pass-through proxy.
    public var upstreamRequests: Int

    enum CodingKeys: String, CodingKey {
        case strategy, packages, differences, extra
        case defineDigest = "define_digest", buildDigest = "build_digest", samePackages = "same_packages"
        case upstreamRequests = "upstream_requests"
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }

    /// Package URL → versions, from a CycloneDX document's `library` components.
    static func purls(cycloneDX bytes: [UInt8]) throws -> [String] {
        struct Document: Decodable {
            struct Component: Decodable {
                var type: String?
                var purl: String?
            }
            var components: [Component]?
        }
        let document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        return (document.components ?? []).filter { $0.type == "library" }.compactMap(\.purl)
    }

    /// `pkg:TYPE/NS/NAME@VERSION?Q` → (`pkg:TYPE/NS/NAME?Q`, VERSION decoded).
    static func split(purl: String) -> (package: String, version: String) {
        var base = purl
        var qualifiers = ""
        if let q = base.firstIndex(of: "?") {
            qualifiers = String(base[q...])
            base = String(base[..<q])
        }
        guard let at = base.lastIndex(of: "@"), base[..<at].contains("/") else { return (base + qualifiers, "") }
        let version = String(base[base.index(after: at)...])
        return (String(base[..<at]) + qualifiers, version.removingPercentEncoding ?? version)
    }

    /// The SBOM's packages against the build's.
    static func compare(define: [String], build: [String]) -> (differences: [Difference], extra: [String]) {
        func grouped(_ purls: [String]) -> [String: Set<String>] {
            var map: [String: Set<String>] = [:]
            for purl in purls {
                let (package, version) = split(purl: purl)
                map[package, default: []].insert(version)
            }
            return map
        }
        let d = grouped(define), b = grouped(build)
        var differences: [Difference] = []
        for (package, versions) in d.sorted(by: { $0.key < $1.key }) where !versions.isSubset(of: b[package] ?? []) {
            differences.append(Difference(package: package, define: versions.sorted(), build: (b[package] ?? []).sorted()))
        }
        let extra = b.keys.filter { d[$0] == nil }.sorted()
        return (differences, extra)
    }
}

/// What building an REE gave, by strategy.
public enum REEBuildReport: Sendable {
    case recording(RecordingReport)
    case sbom(SBOMBuildReport)

    /// The strategy's own criterion: the same digest (recording), the same packages (sbom).
    public var reproduced: Bool {
        switch self {
        case .recording(let r): r.identical
        case .sbom(let r): r.samePackages
        }
    }

    /// One line for the log or the terminal.
    public var summary: String {
        switch self {
        case .recording(let r):
            r.identical ? "identical \(r.buildDigest)" : "different: define \(r.defineDigest), build \(r.buildDigest)"
        case .sbom(let r):
            r.samePackages ? "same packages: all \(r.packages) of the SBOM at the same versions (image \(r.buildDigest))"
                : "different packages: \(r.differences.count) of the SBOM's \(r.packages) missing or at another version"
        }
    }
}
