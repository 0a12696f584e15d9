import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Synchronization
import Testing

/// The SBOM strategy end to end (issue 6's acceptance): `sbom define` of the python-app sample with
/// the network (apt through the host's Debian mirror, pip from PyPI), then the pinned Dockerfile
/// built back in a fresh store, whose image must list the same dpkg and PyPI packages.
@Suite struct SBOMStrategyTests {
    /// The `debian` archive URL of the host's apt sources: the mirror this machine reaches (the
    /// snapshot host itself is not reachable here). Read at run time; no host name in the code.
    static func hostMirror() throws -> String {
        let path = "/etc/apt/sources.list.d/debian.sources"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let mirror = AptSource.parse(files: [("debian.sources", text)]).first(where: { $0.archive == "debian" })?.uri else {
            try Requirements.missing("needs a Debian mirror in \(path)")
            return ""
        }
        return mirror
    }

    /// The sample's packages reach the network: the mirror and the Python package index must answer.
    static func requireNetwork(_ mirror: String) throws {
        let python = try Requirements.tool("python3")
        let probe = """
            import sys, urllib.request
            urllib.request.urlopen(sys.argv[1] + "/dists/bookworm/InRelease", timeout=20).read(1)
            """
        if !(try Shell.run([python, "-c", probe, mirror])).succeeded { try Requirements.missing("needs the Debian mirror \(mirror)") }
        let dir = try makeTemporaryDirectory(prefix: "ree-pypi-probe")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pip = try Shell.run([python, "-m", "pip", "download", "--no-deps", "--quiet", "-d", dir, "six==1.16.0"])
        if !pip.succeeded { try Requirements.missing("needs the Python package index (pip download failed: \(pip.stderr.suffix(300)))") }
    }

    static func zipEntries(_ zip: String) throws -> [String] {
        let r = try Shell.run(["python3", "-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", zip])
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// `pkg:…` of the deb and pypi components of a CycloneDX document.
    static func purls(_ json: String) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let components = object?["components"] as? [[String: Any]] ?? []
        return Set(components.compactMap { $0["purl"] as? String }.filter { $0.hasPrefix("pkg:deb/") || $0.hasPrefix("pkg:pypi/") })
    }

    @Test func pythonAppDefinesPinsAndRebuildsWithTheSamePackages() async throws {
        let mirror = try Self.hostMirror()
        let store = try RecordingFixtures.store(with: ["python_3_11"])
        // Stores of a python image are large: this test leaves none behind.
        defer { try? FileManager.default.removeItem(atPath: store.home) }
        try Self.requireNetwork(mirror)
        let project = try BuildFixtures.sample("python-app")
        let dir = try makeTemporaryDirectory(prefix: "ree-sbom-out")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ree = dir + "/ree.zip", out = dir + "/out.zip"

        var options = SBOMDefiner.Options(project: project, output: ree)
        options.embedBase = true
        options.tag = try ImageName("sbom-defined")
        let lines = Mutex<[String]>([])
        let definition: SBOMDefinition
        do {
            definition = try await SBOMDefiner(store: store, options: options, log: BuildLog { l in lines.withLock { $0.append(l) } }).define()
        } catch {
            print(lines.withLock { $0.joined(separator: "\n") })
            throw error
        }

        // The REE: strategy sbom, both SBOMs, the project and the pinned Dockerfile.
        let entries = try Self.zipEntries(ree)
        for name in ["ree.json", "sbom/image.cdx.json", "sbom/image.spdx.json", "context/Dockerfile", "context/requirements.txt", "context/Dockerfile.pinned"] {
            #expect(entries.contains(name), "\(entries)")
        }
        let json = try RecordingFixtures.readZipEntry(ree, "ree.json")
        #expect(json.contains("\"strategy\" : \"sbom\""))
        #expect(definition.manifest.pinning?.dockerfile == "Dockerfile.pinned")
        #expect(definition.manifest.pinning?.unpinned == [])
        let pinned = try RecordingFixtures.readZipEntry(ree, "context/Dockerfile.pinned")
        let yaml = try #require(definition.packages.first { $0.ecosystem == .deb && $0.name == "python3-yaml" })
        #expect(pinned.contains("python3-yaml=\(yaml.version)"))
        #expect(pinned.contains("FROM python_3_11@\(definition.build.baseImages[0].digest)"))
        #expect(pinned.contains("--require-hashes -r /run/ree-pins/requirements-7.lock"))
        for package in ["six==1.16.0", "idna==3.7"] {
            let line = try #require(pinned.split(separator: "\n").first { $0.hasPrefix(package + " ") })
            #expect(line.wholeMatch(of: /[a-z0-9.=]+ --hash=sha256:[0-9a-f]{64}/) != nil, "\(line)")
        }

        // Built back in a store without the base image, apt reading the host's mirror.
        let buildStore = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-sbom-build"))
        defer { try? FileManager.default.removeItem(atPath: buildStore.home) }
        var buildOptions = RecordingReplayer.Options(ree: ree, output: out)
        buildOptions.tag = try ImageName("sbom-rebuilt")
        buildOptions.buildArguments = ["REE_DEBIAN_SNAPSHOT": mirror]
        let buildLines = Mutex<[String]>([])
        let report: REEBuildReport
        do {
            report = try await RecordingReplayer(store: buildStore, options: buildOptions, log: BuildLog { l in buildLines.withLock { $0.append(l) } }).buildDefinition()
        } catch {
            print(buildLines.withLock { $0.joined(separator: "\n") })
            throw error
        }
        guard case .sbom(let sbomReport) = report else {
            Issue.record("expected an sbom report, got \(report)")
            return
        }
        #expect(sbomReport.samePackages)
        #expect(sbomReport.differences == [])
        #expect(try RecordingFixtures.readZipEntry(out, "report.json").contains("\"same_packages\" : true"))
        let defined = try Self.purls(RecordingFixtures.readZipEntry(ree, "sbom/image.cdx.json"))
        let rebuilt = try Self.purls(RecordingFixtures.readZipEntry(out, "image.cdx.json"))
        #expect(defined == rebuilt)
        #expect(defined.contains("pkg:pypi/six@1.16.0") && defined.contains("pkg:pypi/idna@3.7"))
        #expect(defined.contains { $0.hasPrefix("pkg:deb/debian/python3-yaml@") })
        #expect(try await BuildFixtures.run("sbom-rebuilt", in: buildStore).output == "ok six=1.16.0 idna=3.7 yaml=6.0\n")
        // The apt step read the mirror named by the build argument, and left no trace of the pins.
        #expect(buildLines.withLock { $0 }.contains { $0.contains(mirror) })
        let check = try await BuildFixtures.run("sbom-rebuilt", in: buildStore, ["sh", "-c", "ls /run /etc/apt/apt.conf.d; cat /etc/apt/sources.list.d/*"])
        #expect(!check.output.contains("ree"))
    }

    @Test func aChangedPinnedDockerfileIsRefusedBeforeAnyStep() async throws {
        let json = """
            {"format_version": 1, "strategy": "sbom", "source_date_epoch": 0, "dockerfile": "Dockerfile", "target": null,
             "build_arguments": {}, "base_images": [], "image_digest": "sha256:00", "image_layers": [], "tool_version": "t",
             "pinning": {"dockerfile": "Dockerfile.pinned", "files": [{"path": "context/Dockerfile.pinned", "sha256": "\(SHA256.hex(Array("FROM scratch\n".utf8)))", "size": 13}],
                         "arguments": {}, "pinned": [], "unpinned": [], "exchanges": 0},
             "sbom": []}
            """
        let manifest = try REEManifest.decode(Array(json.utf8))
        #expect(manifest.knownStrategy == .sbom)
        let dir = try makeTemporaryDirectory(prefix: "ree-sbom-tamper")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let project = dir + "/p"
        try FileManager.default.createDirectory(atPath: project + "/context", withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: project + "/ree.json"))
        try Data("FROM busybox\n".utf8).write(to: URL(fileURLWithPath: project + "/context/Dockerfile.pinned"))
        _ = try Shell.check(["sh", "-c", "cd '\(project)' && zip -q -r '\(dir)/ree.zip' ."])
        for d in ["/opened", "/opened2"] { try FileManager.default.createDirectory(atPath: dir + d, withIntermediateDirectories: true) }
        #expect(throws: ReeError.self) { try RecordingReplayer.open(dir + "/ree.zip", into: dir + "/opened") }
        do {
            _ = try RecordingReplayer.open(dir + "/ree.zip", into: dir + "/opened2")
        } catch let error as ReeError {
            #expect(error.message.contains("context/Dockerfile.pinned' does not match its digest"))
        }
        // A recording REE without its recording part, or an sbom one without pinning, is refused.
        #expect(throws: ReeError.self) { try REEManifest.decode(Array(json.replacingOccurrences(of: "\"pinning\"", with: "\"other\"").utf8)) }
    }
}
