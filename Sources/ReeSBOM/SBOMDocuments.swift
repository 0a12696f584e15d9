/// Both SBOMs of one image, and what they were made from.
public struct SBOMDocuments: Sendable {
    /// CycloneDX 1.6 JSON.
    public let cycloneDX: [UInt8]
    /// SPDX 2.3 JSON.
    public let spdx: [UInt8]
    public let catalog: Catalog
    public var packages: [Package] { catalog.packages }
    /// One line per file that could not be read: "PATH: reason".
    public var warnings: [String] { catalog.unreadable.map(\.description) }
}
