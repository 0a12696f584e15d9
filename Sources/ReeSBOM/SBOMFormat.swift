/// The SBOM formats ree writes.
public enum SBOMFormat: String, Sendable, CaseIterable {
    case cyclonedx, spdx

    /// The file name suffix: `IMAGE.cdx.json`, `IMAGE.spdx.json` (the formats' own recommendations).
    public var fileSuffix: String { self == .cyclonedx ? ".cdx.json" : ".spdx.json" }
}
