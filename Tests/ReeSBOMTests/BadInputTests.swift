import Foundation
import ReeSBOM
import ReeTestSupport
import Testing

/// Broken metadata: a warning naming the file, an SBOM of what could be read, never a crash.
@Suite struct BadInputTests {
    static let good = "Package: good\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n"

    /// Checks the catalog and that both documents name the unreadable file and still validate.
    func check(_ root: String, expectPackages: [String], unreadable path: String, reasonContains: String,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let documents = try Tree.documents(root)
        #expect(documents.packages.map(\.name) == expectPackages, sourceLocation: sourceLocation)
        let notes = documents.catalog.unreadable.filter { $0.path == path }
        #expect(notes.contains { $0.reason.contains(reasonContains) }, "unreadable: \(documents.catalog.unreadable)", sourceLocation: sourceLocation)
        #expect(documents.warnings.contains { $0.hasPrefix(path + ":") }, sourceLocation: sourceLocation)

        let bom = try JSON.object(documents.cycloneDX)
        let properties = ((bom["metadata"] as? [String: Any])?["properties"] as? [[String: String]]) ?? []
        #expect(properties.contains { $0["name"] == "ree:unreadable" && $0["value"]?.hasPrefix(path + ":") == true },
                "the CycloneDX document notes \(path)", sourceLocation: sourceLocation)
        let spdx = try JSON.object(documents.spdx)
        #expect((spdx["comment"] as? String)?.contains(path + ":") == true, "the SPDX document notes \(path)", sourceLocation: sourceLocation)
        try Validators.checkCycloneDX(documents.cycloneDX, sourceLocation: sourceLocation)
        try Validators.checkSPDX(documents.spdx, sourceLocation: sourceLocation)
    }

    @Test func aTruncatedStatusFileKeepsTheEntriesBeforeTheCut() throws {
        let root = try Tree.make(["etc/os-release": Tree.debianOSRelease,
                                  "var/lib/dpkg/status": Self.good + "Package: cut\nStatus: install ok inst"])
        try check(root, expectPackages: ["good"], unreadable: "/var/lib/dpkg/status", reasonContains: "invalid Status")
        let reasons = Tree.catalog(root).unreadable.map(\.reason)
        #expect(reasons.contains { $0.contains("truncated") })
    }

    @Test func aStanzaWithoutVersionIsListedNameOnlyAndNoted() throws {
        let root = try Tree.make(["var/lib/dpkg/status": Self.good + "Package: noversion\nStatus: install ok installed\nArchitecture: amd64\n"])
        try check(root, expectPackages: ["good", "noversion"], unreadable: "/var/lib/dpkg/status", reasonContains: "no Version")
    }

    @Test func binaryGarbageInTheStatusFileIsReportedAndSkipped() throws {
        var bytes = Array(Self.good.utf8)
        bytes += [0x00, 0xff, 0xfe, 0x13, 0x37, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0a, 0x0a]
        bytes += Array("Package: after\nStatus: install ok installed\nArchitecture: all\nVersion: 2\n".utf8)
        let root = try Tree.make([:], binary: ["var/lib/dpkg/status": bytes])
        try check(root, expectPackages: ["after", "good"], unreadable: "/var/lib/dpkg/status", reasonContains: "binary data")
    }

    @Test func aStatusFileThatIsAllBinaryGivesAnEmptySBOMWithTheNote() throws {
        let bytes: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        let root = try Tree.make([:], binary: ["var/lib/dpkg/status": bytes])
        try check(root, expectPackages: [], unreadable: "/var/lib/dpkg/status", reasonContains: "line")
    }

    @Test func metadataWithoutAVersionIsNoted() throws {
        let root = try Tree.make([
            "usr/lib/python3/dist-packages/nover-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: nover\nSummary: no version\n",
            "usr/lib/python3/dist-packages/ok-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: ok\nVersion: 1.0\n",
        ])
        let path = "/usr/lib/python3/dist-packages/nover-1.0.dist-info/METADATA"
        try check(root, expectPackages: ["nover", "ok"], unreadable: path, reasonContains: "no Version")
        #expect(Tree.catalog(root).packages.first { $0.name == "nover" }?.purl == "pkg:pypi/nover")
    }

    @Test func aDistInfoWithoutMetadataIsNoted() throws {
        let root = try Tree.make(["usr/lib/python3/dist-packages/empty-1.0.dist-info/RECORD": ""])
        try check(root, expectPackages: [], unreadable: "/usr/lib/python3/dist-packages/empty-1.0.dist-info/METADATA", reasonContains: "missing")
    }

    @Test func aBinaryPackageJSONIsNoted() throws {
        let root = try Tree.make(["app/node_modules/ok/package.json": #"{"name": "ok", "version": "1.0.0"}"#],
                                 binary: ["app/node_modules/broken/package.json": [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff]])
        try check(root, expectPackages: ["ok"], unreadable: "/app/node_modules/broken/package.json", reasonContains: "invalid JSON")
    }

    @Test func aPackageJSONThatIsNotAnObjectIsNoted() throws {
        let root = try Tree.make(["app/node_modules/arr/package.json": "[1, 2]"])
        try check(root, expectPackages: [], unreadable: "/app/node_modules/arr/package.json", reasonContains: "not a JSON object")
    }

    @Test func aStatusPathThatIsNotAFileIsNotedNotFatal() throws {
        // A FIFO would block a naive reader forever.
        let root = try Tree.make(["var/lib/dpkg/status.d/good": Self.good])
        #expect(mkfifo(root + "/var/lib/dpkg/status", 0o644) == 0)
        try check(root, expectPackages: ["good"], unreadable: "/var/lib/dpkg/status", reasonContains: "not a regular file")
    }

    @Test func anApkDatabaseWithAnEntryWithoutNameIsNoted() throws {
        let root = try Tree.make(["lib/apk/db/installed": "P:musl\nV:1.2.4-r2\nA:x86_64\n\nV:9\nA:x86_64\n\n"])
        try check(root, expectPackages: ["musl"], unreadable: "/lib/apk/db/installed", reasonContains: "no P:")
    }
}
