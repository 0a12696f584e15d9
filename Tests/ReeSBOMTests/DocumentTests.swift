import Foundation
import ReeOCI
import ReeSBOM
import ReeTestSupport
import Testing

@Suite struct DocumentTests {
    static let base = SBOMBaseImage(name: "python_3_11", digest: try! Digest("sha256:" + String(repeating: "cd", count: 32)))

    @Test func bothDocumentsValidateAgainstTheirSchemas() throws {
        let documents = try Tree.documents(try CatalogerTests.craftedTree(), name: "team/app:1.0", baseImages: [Self.base])
        try Validators.checkCycloneDX(documents.cycloneDX)
        try Validators.checkSPDX(documents.spdx)
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let root = try CatalogerTests.craftedTree()
        let a = try Tree.documents(root, baseImages: [Self.base])
        let b = try Tree.documents(root, baseImages: [Self.base])
        #expect(a.cycloneDX == b.cycloneDX)
        #expect(a.spdx == b.spdx)
    }

    @Test func cycloneDXDescribesTheImageAndItsBase() throws {
        let documents = try Tree.documents(try CatalogerTests.craftedTree(), name: "team/app:1.0", baseImages: [Self.base])
        let bom = try JSON.object(documents.cycloneDX)
        #expect(bom["bomFormat"] as? String == "CycloneDX")
        #expect(bom["specVersion"] as? String == "1.6")
        let serial = try #require(bom["serialNumber"] as? String)
        let uuid = Array(serial.dropFirst("urn:uuid:".count))
        #expect(serial.hasPrefix("urn:uuid:") && uuid.count == 36)
        #expect(uuid[14] == "8", "version 8: a name-based UUID over SHA-256")
        #expect("89ab".contains(uuid[19]), "RFC variant")
        let metadata = try #require(bom["metadata"] as? [String: Any])
        #expect(metadata["timestamp"] as? String == "2023-11-14T22:13:20Z")
        let component = try #require(metadata["component"] as? [String: Any])
        #expect(component["type"] as? String == "container")
        #expect(component["name"] as? String == "team/app:1.0")
        #expect(component["purl"] as? String == "pkg:oci/app@sha256%3A" + String(repeating: "ab", count: 32) + "?tag=1.0")
        let ancestors = (component["pedigree"] as? [String: Any])?["ancestors"] as? [[String: Any]]
        #expect(ancestors?.first?["name"] as? String == "python_3_11")
        #expect(ancestors?.first?["version"] as? String == Self.base.digest.description)
        let properties = metadata["properties"] as? [[String: String]] ?? []
        #expect(properties.contains { $0["name"] == "ree:base-image" && $0["value"] == "python_3_11@\(Self.base.digest)" })
        let components = try #require(bom["components"] as? [[String: Any]])
        #expect(components.first?["type"] as? String == "operating-system")
        #expect(components.filter { $0["type"] as? String == "library" }.count == documents.packages.count)
    }

    @Test func spdxDescribesTheImageContainsThePackagesAndDescendsFromTheBase() throws {
        let documents = try Tree.documents(try CatalogerTests.craftedTree(), baseImages: [Self.base])
        let doc = try JSON.object(documents.spdx)
        #expect(doc["spdxVersion"] as? String == "SPDX-2.3")
        #expect((doc["documentNamespace"] as? String)?.hasPrefix("https://") == true)
        #expect((doc["creationInfo"] as? [String: Any])?["created"] as? String == "2023-11-14T22:13:20Z")
        let relationships = try #require(doc["relationships"] as? [[String: String]])
        #expect(relationships.contains { $0["spdxElementId"] == "SPDXRef-DOCUMENT" && $0["relationshipType"] == "DESCRIBES" && $0["relatedSpdxElement"] == "SPDXRef-Image" })
        #expect(relationships.contains { $0["relationshipType"] == "DESCENDANT_OF" && $0["relatedSpdxElement"] == "SPDXRef-BaseImage-1" })
        #expect(relationships.filter { $0["relationshipType"] == "CONTAINS" }.count == documents.packages.count + 1, "packages and the OS")
        let packages = try #require(doc["packages"] as? [[String: Any]])
        let purls = packages.compactMap { ($0["externalRefs"] as? [[String: String]])?.first?["referenceLocator"] }
        for p in documents.packages { #expect(purls.contains(p.purl)) }
        // A license with no SPDX id is kept as a LicenseRef with its name.
        let extracted = doc["hasExtractedLicensingInfos"] as? [[String: String]] ?? []
        #expect(extracted.contains { $0["name"] == "ZPL-2.1" && $0["licenseId"] == "LicenseRef-ZPL-2.1" })
    }

    @Test func anEmptyRootGivesValidDocuments() throws {
        let documents = try Tree.documents(try Tree.make([:]))
        #expect(documents.packages.isEmpty)
        try Validators.checkCycloneDX(documents.cycloneDX)
        try Validators.checkSPDX(documents.spdx)
    }

    @Test func theValidatorsRejectABrokenDocument() throws {
        // Guards against a validator that accepts anything (and so against a vacuous pass above).
        guard let python = Validators.cycloneDXPython, let spdx = Validators.spdxTool else {
            try Requirements.missing("the SBOM validators")
            return
        }
        let dir = try Scratch.directory("ree-sbom-validate")
        try Tree.write(Array(#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}"#.utf8), to: dir + "/bad.cdx.json")
        try Tree.write(Array(Validators.cycloneDXScript.utf8), to: dir + "/validate.py")
        #expect(try !Shell.run([python, dir + "/validate.py", dir + "/bad.cdx.json"]).succeeded)
        try Tree.write(Array(#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x"}"#.utf8), to: dir + "/bad.spdx.json")
        #expect(try !Shell.run([spdx, "-i", dir + "/bad.spdx.json"]).succeeded)
    }
}
