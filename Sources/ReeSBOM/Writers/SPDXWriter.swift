import ReeOCI
import ReeOS

/// SPDX 2.3 JSON: the document DESCRIBES the image package, which CONTAINS every package and is
/// a DESCENDANT_OF each base image. Licenses we cannot map to SPDX ids become `LicenseRef-`s with
/// their names as extracted text. Files that could not be read are listed in the document's `comment`.
public enum SPDXWriter {
    public static func document(_ catalog: Catalog, subject: SBOMSubject, tool: SBOMTool) throws -> [UInt8] {
        var packages: [SPDXPackage] = []
        var relationships: [Relationship] = []
        var extracted: [String: ExtractedLicense] = [:]
        let imageID = "SPDXRef-Image"

        var image = SPDXPackage(id: imageID, name: subject.name, version: subject.digest?.description, purpose: "CONTAINER")
        image.externalRefs = subject.purl.map { [ExternalRef(purl: $0)] }
        image.checksums = subject.digest.map { [Checksum(digest: $0)] }
        packages.append(image)
        relationships.append(Relationship(spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: imageID))

        for (i, base) in subject.baseImages.sorted(by: { ($0.name, $0.digest) < ($1.name, $1.digest) }).enumerated() {
            let id = "SPDXRef-BaseImage-\(i + 1)"
            var p = SPDXPackage(id: id, name: base.name, version: base.digest.description, purpose: "CONTAINER")
            p.externalRefs = [ExternalRef(purl: base.purl)]
            p.checksums = [Checksum(digest: base.digest)]
            packages.append(p)
            relationships.append(Relationship(spdxElementId: imageID, relationshipType: "DESCENDANT_OF", relatedSpdxElement: id))
        }

        if let os = catalog.os {
            let id = "SPDXRef-OperatingSystem"
            var p = SPDXPackage(id: id, name: os.id, version: os.versionID, purpose: "OPERATING-SYSTEM")
            p.description = os.prettyName
            packages.append(p)
            relationships.append(Relationship(spdxElementId: imageID, relationshipType: "CONTAINS", relatedSpdxElement: id))
        }

        var usedIDs = Set<String>()
        for package in catalog.packages {
            let id = identifier(for: package, avoiding: &usedIDs)
            var p = SPDXPackage(id: id, name: package.name, version: package.version.isEmpty ? nil : package.version, purpose: nil)
            p.externalRefs = [ExternalRef(purl: package.purl)]
            p.sourceInfo = "acquired package info from \(package.location)"
            var terms: [String] = []
            for license in package.licenses {
                switch license {
                case .spdx(let spdxID): terms.append(spdxID)
                case .named(let name):
                    let ref = "LicenseRef-" + sanitize(name)
                    extracted[ref] = ExtractedLicense(licenseId: ref, extractedText: name, name: name)
                    terms.append(ref)
                }
            }
            p.licenseDeclared = terms.isEmpty ? "NOASSERTION" : Array(Set(terms)).sorted().joined(separator: " AND ")
            var notes: [String] = []
            if let a = package.architecture { notes.append("architecture: \(a)") }
            if let s = package.sourceName { notes.append("source package: \(s)") }
            if let v = package.sourceVersion { notes.append("source version: \(v)") }
            if !notes.isEmpty { p.comment = notes.joined(separator: "; ") }
            packages.append(p)
            relationships.append(Relationship(spdxElementId: imageID, relationshipType: "CONTAINS", relatedSpdxElement: id))
        }

        var comment: String?
        if !catalog.unreadable.isEmpty {
            comment = "Files that could not be read, or only in part (the packages in them that could be read are listed):\n"
                + catalog.unreadable.map(\.description).joined(separator: "\n")
        }
        let safeName = subject.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? String($0) : "-" }.joined()
        let document = Document(
            name: subject.name,
            documentNamespace: "https://spdx.org/spdxdocs/ree/\(safeName)-\(subject.uuid("spdx"))",
            creationInfo: CreationInfo(created: subject.timestamp, creators: ["Tool: \(tool.name)-\(tool.version)"]),
            comment: comment,
            packages: packages,
            relationships: relationships,
            hasExtractedLicensingInfos: extracted.isEmpty ? nil : extracted.values.sorted { $0.licenseId < $1.licenseId })
        return Array((try CanonicalJSON.encodePretty(document) + "\n").utf8)
    }

    /// `SPDXRef-<ecosystem>-<name>-<8 hex of the purl and location>`: stable and unique.
    private static func identifier(for package: Package, avoiding used: inout Set<String>) -> String {
        let hash = String(SHA256.hex(Array((package.purl + "\n" + package.location).utf8)).prefix(8))
        var id = "SPDXRef-Package-\(package.ecosystem.rawValue)-\(sanitize(package.name))-\(hash)"
        var n = 2
        while used.contains(id) { id = "SPDXRef-Package-\(package.ecosystem.rawValue)-\(sanitize(package.name))-\(hash)-\(n)"; n += 1 }
        used.insert(id)
        return id
    }

    /// Only `[A-Za-z0-9.-]`, as SPDX ids and LicenseRefs allow.
    private static func sanitize(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let ok = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 46 || b == 45
            out.unicodeScalars.append(ok ? Unicode.Scalar(b) : "-")
        }
        return out.isEmpty ? "unnamed" : out
    }

    struct Document: Encodable {
        let spdxVersion = "SPDX-2.3"
        let dataLicense = "CC0-1.0"
        let SPDXID = "SPDXRef-DOCUMENT"
        let name: String
        let documentNamespace: String
        let creationInfo: CreationInfo
        let comment: String?
        let packages: [SPDXPackage]
        let relationships: [Relationship]
        let hasExtractedLicensingInfos: [ExtractedLicense]?
    }

    struct CreationInfo: Encodable {
        let created: String
        let creators: [String]
    }

    struct SPDXPackage: Encodable {
        let SPDXID: String
        let name: String
        let versionInfo: String?
        let downloadLocation = "NOASSERTION"
        let filesAnalyzed = false
        var primaryPackagePurpose: String?
        var licenseConcluded = "NOASSERTION"
        var licenseDeclared = "NOASSERTION"
        var copyrightText = "NOASSERTION"
        var description: String?
        var sourceInfo: String?
        var comment: String?
        var checksums: [Checksum]?
        var externalRefs: [ExternalRef]?

        init(id: String, name: String, version: String?, purpose: String?) {
            SPDXID = id
            self.name = name
            versionInfo = version
            primaryPackagePurpose = purpose
        }
    }

    struct Checksum: Encodable {
        let algorithm: String
        let checksumValue: String
        init(digest: Digest) {
            algorithm = digest.algorithm.uppercased()
            checksumValue = digest.encoded
        }
    }

    struct ExternalRef: Encodable {
        let referenceCategory = "PACKAGE-MANAGER"
        let referenceType = "purl"
        let referenceLocator: String
        init(purl: String) { referenceLocator = purl }
    }

    struct Relationship: Encodable {
        let spdxElementId: String
        let relationshipType: String
        let relatedSpdxElement: String
    }

    struct ExtractedLicense: Encodable {
        let licenseId: String
        let extractedText: String
        let name: String
    }
}
