import Foundation
import ReeTestSupport
import Testing

/// The real base images, bootstrapped once per test process with the `ree` binary, against what
/// their own package managers say when run inside them.
@Suite struct ImageGroundTruthTests {
    /// One REE_HOME with debian_bookworm and python_3_11 (about 25 s and 60 s to bootstrap).
    static let home: Result<String, Error> = Result {
        let home = try Scratch.directory("images")
        for name in ["debian_bookworm", "python_3_11"] { try ReeBinary.check(["image", "bootstrap", name], home: home) }
        return home
    }

    func bootstrapped() throws -> String {
        try Requirements.root()
        try Requirements.tool("mmdebstrap")
        return try Self.home.get()
    }

    /// name → version of the components whose purl has `type`.
    func components(_ json: String, type: String) throws -> [String: String] {
        let bom = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var result: [String: String] = [:]
        for c in bom["components"] as? [[String: Any]] ?? [] {
            guard let purl = c["purl"] as? String, purl.hasPrefix("pkg:\(type)/"), let name = c["name"] as? String else { continue }
            let key = type == "pypi" ? normalize(name) : name
            #expect(result[key] == nil, "\(key) listed once")
            result[key] = c["version"] as? String ?? ""
        }
        return result
    }

    func normalize(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "[-_.]+", with: "-", options: .regularExpression)
    }

    func dpkgQuery(_ image: String, home: String) throws -> [String: String] {
        let out = try ReeBinary.check(["run", image, "--", "dpkg-query", "-W", "-f", "${Package} ${Version}\\n"], home: home)
        var result: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    @Test(arguments: ["debian_bookworm", "python_3_11"])
    func dpkgPackagesEqualDpkgQueryInsideTheImage(image: String) throws {
        let home = try bootstrapped()
        let expected = try dpkgQuery(image, home: home)
        #expect(expected.count > 50, "dpkg-query listed \(expected.count) packages")
        let sbom = try ReeBinary.check(["sbom", image], home: home)
        let actual = try components(sbom, type: "deb")
        #expect(Set(actual.keys).subtracting(expected.keys).sorted() == [], "extra in the SBOM")
        #expect(Set(expected.keys).subtracting(actual.keys).sorted() == [], "missing from the SBOM")
        for (name, version) in expected where actual[name] != nil { #expect(actual[name] == version, "\(name)") }
        try Validators.checkCycloneDX(Array(sbom.utf8))
    }

    @Test func pythonPackagesEqualPipListInsideTheImage() throws {
        let home = try bootstrapped()
        let out = try ReeBinary.check(["run", "python_3_11", "--", "python3", "-m", "pip", "list", "--format", "json"], home: home)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: String]])
        var expected: [String: String] = [:]
        for item in list { expected[normalize(item["name"] ?? "")] = item["version"] }
        #expect(!expected.isEmpty)
        let actual = try components(try ReeBinary.check(["sbom", "python_3_11"], home: home), type: "pypi")
        #expect(actual == expected)
        // debian_bookworm has no Python at all.
        #expect(try components(try ReeBinary.check(["sbom", "debian_bookworm"], home: home), type: "pypi").isEmpty)
    }

    @Test func theSPDXDocumentOfARealImageValidates() throws {
        let home = try bootstrapped()
        let dir = try Scratch.directory("ree-sbom-out")
        try ReeBinary.check(["sbom", "python_3_11", "--format", "spdx", "-o", dir + "/p.spdx.json"], home: home)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/p.spdx.json")))
        try Validators.checkSPDX(bytes)
        let doc = try JSON.object(bytes)
        #expect(doc["comment"] == nil, "nothing unreadable in a clean image")
    }

    @Test func anExportedTarballGivesTheSameSBOMAsTheStoredImage() throws {
        let home = try bootstrapped()
        let dir = try Scratch.directory("ree-sbom-out")
        try ReeBinary.check(["image", "export", "debian_bookworm", "-o", dir + "/d.tar"], home: home)
        for format in ["cyclonedx", "spdx"] {
            let stored = try ReeBinary.check(["sbom", "debian_bookworm", "--format", format], home: home)
            let fromTar = try ReeBinary.check(["sbom", dir + "/d.tar", "--format", format], home: home)
            #expect(stored == fromTar, "\(format)")
        }
    }

    /// Bad metadata in a built layer, end to end: `ree build -o` and `ree sbom` warn on stderr, keep
    /// stdout clean JSON, note the file in both documents, and still list everything else.
    @Test func brokenMetadataInABuiltLayerIsWarnedAboutAndNoted() throws {
        let home = try bootstrapped()
        let context = try Scratch.directory("ree-sbom-ctx")
        try Tree.write(Array("""
            FROM python_3_11
            COPY broken /var/lib/dpkg/status.d/broken
            COPY METADATA /usr/local/lib/python3.11/dist-packages/nover-1.0.dist-info/METADATA
            COPY package.json /app/node_modules/bin/package.json

            """.utf8), to: context + "/Dockerfile")
        try Tree.write(Array("Package: broken\nStatus: install ok inst".utf8), to: context + "/broken")
        try Tree.write(Array("Metadata-Version: 2.1\nName: nover\n".utf8), to: context + "/METADATA")
        try Tree.write([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff], to: context + "/package.json")
        let out = try Scratch.directory("ree-sbom-out")
        let build = try ReeBinary.run(["build", context, "-t", "sbom-broken", "-o", out + "/b.tar"], home: home)
        #expect(build.succeeded, "\(build.stderr)")
        #expect(build.stderr.contains("/var/lib/dpkg/status.d/broken"), "\(build.stderr)")

        let sbom = try ReeBinary.run(["sbom", "sbom-broken"], home: home)
        #expect(sbom.succeeded)
        for path in ["/var/lib/dpkg/status.d/broken", "/usr/local/lib/python3.11/dist-packages/nover-1.0.dist-info/METADATA",
                     "/app/node_modules/bin/package.json"] {
            #expect(sbom.stderr.contains("warning: could not read \(path):"), "\(path) in \(sbom.stderr)")
            #expect(sbom.stdout.contains("\(path):"), "\(path) noted in the document")
        }
        let bom = try JSON.object(Array(sbom.stdout.utf8))
        #expect(try components(sbom.stdout, type: "pypi")["nover"] == "")
        #expect(try components(sbom.stdout, type: "deb").count == (try components(try ReeBinary.check(["sbom", "python_3_11"], home: home), type: "deb")).count)
        #expect(bom["bomFormat"] as? String == "CycloneDX")
        try Validators.checkCycloneDX(Array(sbom.stdout.utf8))
        try Validators.checkSPDX(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/b.spdx.json"))))
    }

    @Test func buildWritesBothSBOMsBesideTheArchive() throws {
        let home = try bootstrapped()
        let context = try Scratch.directory("ree-sbom-ctx")
        try Tree.write(Array("FROM python_3_11\nCOPY hello.txt /hello.txt\n".utf8), to: context + "/Dockerfile")
        try Tree.write(Array("hi\n".utf8), to: context + "/hello.txt")
        let out = try Scratch.directory("ree-sbom-out")
        try ReeBinary.check(["build", context, "-t", "sbom-app", "-o", out + "/app.tar"], home: home)
        let cdx = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/app.cdx.json")))
        let spdx = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/app.spdx.json")))
        try Validators.checkCycloneDX(cdx)
        try Validators.checkSPDX(spdx)
        let bom = try JSON.object(cdx)
        let component = (bom["metadata"] as? [String: Any])?["component"] as? [String: Any]
        #expect(component?["name"] as? String == "sbom-app")
        let ancestors = (component?["pedigree"] as? [String: Any])?["ancestors"] as? [[String: Any]]
        #expect(ancestors?.first?["name"] as? String == "python_3_11")
        let baseDigest = try ReeBinary.check(["image", "list"], home: home).split(separator: "\n")
            .first { $0.hasPrefix("python_3_11\t") }?.split(separator: "\t").last.map(String.init)
        #expect(ancestors?.first?["version"] as? String == baseDigest)
        // The built image has the base's packages: the same list as `ree sbom` of the base.
        let basePackages = try components(try ReeBinary.check(["sbom", "python_3_11"], home: home), type: "deb")
        #expect(try components(String(decoding: cdx, as: UTF8.self), type: "deb") == basePackages)
        let doc = try JSON.object(spdx)
        let relationships = doc["relationships"] as? [[String: String]] ?? []
        #expect(relationships.contains { $0["relationshipType"] == "DESCENDANT_OF" })
    }
}
