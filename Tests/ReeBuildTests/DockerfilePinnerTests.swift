import Foundation
import ReeBuild
import ReeDockerfile
import ReeRecorder
import ReeSBOM
import ReeTestSupport
import Testing

/// The SBOM strategy's Dockerfile rewrite, on text alone: no build, no network. The snapshot host in
/// these tests is made up (`snapshot.example`): no real registry's name belongs in the repository.
@Suite struct DockerfilePinnerTests {
    static let snapshot = "http://snapshot.example/archive/debian/20250520T000000Z"
    static let sources = """
        Types: deb
        # \(snapshot)
        URIs: http://mirror.example/debian
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        # http://snapshot.example/archive/debian-security/20250520T000000Z
        URIs: http://mirror.example/debian-security
        Suites: bookworm-security
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        """
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static func deb(_ name: String, _ version: String, arch: String = "amd64") -> Package {
        Package(ecosystem: .deb, name: name, version: version, architecture: arch, location: "/var/lib/dpkg/status",
                purl: PackageURL.deb(name: name, version: version, architecture: arch, os: nil))
    }

    static func pypi(_ name: String, _ version: String) -> Package {
        Package(ecosystem: .pypi, name: name, version: version, location: "/usr/local/lib/python3.11/dist-packages",
                purl: PackageURL.pypi(name: name, version: version))
    }

    static func download(_ line: Int, _ file: String, _ hash: Character) -> ObservedExchange {
        ObservedExchange(step: "step 3, line \(line)", method: "GET", url: "https://files.example/packages/ab/cd/\(file)",
                         status: 200, sha256: String(repeating: hash, count: 64), size: 100)
    }

    static func input(_ dockerfile: String, exchanges: [ObservedExchange] = [], sources: String? = DockerfilePinnerTests.sources) -> DockerfilePinner.Input {
        var input = DockerfilePinner.Input(dockerfile: dockerfile)
        input.baseImages = ["python_3_11": digest]
        input.packages = [deb("python3-yaml", "6.0-3+b2"), deb("curl", "7.88.1-10+deb12u12"), deb("ca-certificates", "20230311", arch: "all"),
                          deb("libc6", "2.36-9+deb12u10"), pypi("six", "1.16.0"), pypi("idna", "3.7"), pypi("PyYAML", "6.0")]
        input.exchanges = Dictionary(grouping: exchanges, by: { Int($0.step?.split(separator: " ").last ?? "") ?? 0 })
        if let sources { input.aptSources = ["python_3_11": AptSource.parse(files: [("debian.sources", sources)])] }
        return input
    }

    static func pin(_ input: DockerfilePinner.Input) throws -> DockerfilePinner.Result {
        let result = try DockerfilePinner(input).pin()
        // Whatever it writes, our parser reads.
        _ = try DockerfileParser.parse(result.dockerfile)
        return result
    }

    @Test func theSampleGetsBaseDigestAptVersionsSnapshotAndAPipLock() throws {
        let dockerfile = try String(contentsOfFile: BuildFixtures.sample("python-app") + "/Dockerfile", encoding: .utf8)
        let result = try Self.pin(Self.input(dockerfile, exchanges: [
            Self.download(7, "six-1.16.0-py2.py3-none-any.whl", "1"), Self.download(7, "idna-3.7-py3-none-any.whl", "2"),
            Self.download(7, "six-1.16.0-py2.py3-none-any.whl.metadata", "3"),
        ]))
        let text = result.dockerfile
        #expect(text.contains("FROM python_3_11@\(Self.digest)\n"))
        #expect(text.contains("python3-yaml=6.0-3+b2"))
        #expect(text.contains("ARG REE_DEBIAN_SNAPSHOT=\(Self.snapshot)\n"))
        #expect(text.contains("--mount=type=tmpfs,target=/run/ree-apt"))
        #expect(text.contains(". /run/ree-pins/apt-snapshot.sh"))
        #expect(text.contains("six==1.16.0 --hash=sha256:\(String(repeating: "1", count: 64))"))
        #expect(text.contains("idna==3.7 --hash=sha256:\(String(repeating: "2", count: 64))"))
        #expect(text.contains("python3 -m pip install --no-cache-dir --break-system-packages --require-hashes -r /run/ree-pins/requirements-7.lock"))
        #expect(!text.contains("-r requirements.txt"))
        #expect(result.snapshot == REEManifest.SnapshotInfo(url: Self.snapshot, timestamp: "20250520T000000Z", origin: "image-sources"))
        #expect(result.arguments == ["REE_DEBIAN_SNAPSHOT": Self.snapshot, "REE_DEBIAN_SECURITY_SNAPSHOT": ""])
        #expect(result.unpinned == [])
        #expect(result.pinned.map(\.name).sorted() == ["idna", "python3-yaml", "python_3_11", "six"])
        // The parsed pinned Dockerfile: a pins stage first, then the original stage.
        let parsed = try DockerfileParser.parse(text)
        #expect(parsed.stages.map(\.name) == ["ree-pins", nil])
    }

    @Test func aptLinesWithFlagsSeveralPackagesChainsAndContinuations() throws {
        let dockerfile = """
            FROM python_3_11
            RUN apt-get update && \\
                DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 install -y \\
                  --no-install-recommends curl ca-certificates:all python3-yaml/bookworm libc6=2.36-9+deb12u10 \\
                  ./local.deb "$EXTRA" virtual-thing oldpkg- \\
             && apt-get clean; rm -rf /var/lib/apt/lists/*
            """
        let result = try Self.pin(Self.input(dockerfile))
        let text = result.dockerfile
        #expect(text.contains("curl=7.88.1-10+deb12u12 ca-certificates:all=20230311 python3-yaml=6.0-3+b2 libc6=2.36-9+deb12u10"))
        #expect(text.contains("-o Acquire::Retries=3 install -y"))
        #expect(text.contains("./local.deb \"$EXTRA\" virtual-thing oldpkg-"))
        #expect(text.contains("&& apt-get clean; rm -rf /var/lib/apt/lists/*"))
        #expect(!text.contains("Acquire::Retries=3=") && !text.contains("-y="))
        let reasons = Dictionary(result.unpinned.map { ($0.what, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["./local.deb"]?.contains("from a file") == true)
        #expect(reasons["\"$EXTRA\""]?.contains("variable") == true)
        #expect(reasons["virtual-thing"]?.contains("not installed") == true)
        #expect(result.unpinned.allSatisfy { $0.line == 2 })
    }

    @Test(arguments: [
        ("RUN pip install -r requirements.txt", "pip install --require-hashes -r /run/ree-pins/requirements-2.lock"),
        ("RUN pip3 install six==1.16.0 'idna>=3'", "pip3 install --require-hashes -r /run/ree-pins/requirements-2.lock"),
        ("RUN python3 -m pip install --user -q six idna", "python3 -m pip install --user -q --require-hashes -r /run/ree-pins/requirements-2.lock"),
        ("RUN /usr/bin/python3.11 -m pip install --requirement=req.txt -c constraints.txt", "/usr/bin/python3.11 -m pip install --require-hashes -r /run/ree-pins/requirements-2.lock"),
    ])
    func pipInstallsGoThroughTheLock(run: String, expected: String) throws {
        let result = try Self.pin(Self.input("FROM python_3_11\n" + run + "\n", exchanges: [
            Self.download(2, "six-1.16.0-py2.py3-none-any.whl", "1"), Self.download(2, "idna-3.7.tar.gz", "2"),
        ]))
        #expect(result.dockerfile.contains(expected), "\(result.dockerfile)")
        #expect(result.dockerfile.contains("idna==3.7 --hash=sha256:\(String(repeating: "2", count: 64))"))
        #expect(result.dockerfile.contains("--mount=type=bind,from=ree-pins,source=requirements-2.lock,target=/run/ree-pins/requirements-2.lock"))
        #expect(result.unpinned == [])
        #expect(!result.dockerfile.contains("apt-snapshot"))
    }

    @Test func theAuthorsRunFlagsStayBeforeThePinsMounts() throws {
        let run = "RUN --mount=type=cache,target=/root/.cache/pip --network=default pip install six"
        let result = try Self.pin(Self.input("FROM python_3_11\n" + run + "\n", exchanges: [Self.download(2, "six-1.16.0-py2.py3-none-any.whl", "1")]))
        #expect(result.dockerfile.contains("""
            RUN --mount=type=cache,target=/root/.cache/pip --network=default \\
                --mount=type=bind,from=ree-pins,source=requirements-2.lock,target=/run/ree-pins/requirements-2.lock \\
                pip install --require-hashes -r /run/ree-pins/requirements-2.lock
            """), "\(result.dockerfile)")
    }

    @Test(arguments: [
        ("RUN pip install git+https://code.example/repo.git", "version control"),
        ("RUN pip install -e .", "editable"),
        ("RUN pip install ./dist/tool-1.0-py3-none-any.whl", "local file"),
        ("RUN pip install six certifi", "not downloaded"),
        ("RUN curl -fsSL https://get.example/install.sh | sh", "script downloaded and run"),
        ("RUN wget https://files.example/tool.tar.gz", "without a checksum"),
        ("RUN npm install -g left-pad", "npm"),
        ("RUN dpkg -i /tmp/x.deb", "from a file"),
        ("RUN [\"apt-get\", \"install\", \"-y\", \"curl\"]", "exec form"),
        ("ADD https://files.example/a.txt https://files.example/b.txt /opt/", "without --checksum"),
    ])
    func whatCannotBePinnedIsListedWithAReasonAndLeftAsWritten(run: String, reason: String) throws {
        let result = try Self.pin(Self.input("FROM python_3_11\n" + run + "\n", exchanges: [Self.download(2, "six-1.16.0-py2.py3-none-any.whl", "1")]))
        #expect(result.unpinned.contains { $0.reason.contains(reason) && $0.line == 2 }, "\(result.unpinned)")
        #expect(result.dockerfile.contains(run))
    }

    @Test func aptInAnImageWithoutSourcesIsListedAndStillVersionPinned() throws {
        let result = try Self.pin(Self.input("FROM python_3_11\nRUN apt-get update && apt-get install -y curl\n", sources: nil))
        #expect(result.unpinned.contains { $0.what == "apt sources" && $0.reason.contains("no apt sources") })
        #expect(result.dockerfile.contains("apt-get install -y curl=7.88.1-10+deb12u12"))
        #expect(!result.dockerfile.contains("REE_DEBIAN_SNAPSHOT"))
    }

    @Test func sourcesWithoutASnapshotCommentUseTheConfiguredSnapshotAtTheDefineTime() throws {
        let plain = Self.sources.components(separatedBy: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        var input = Self.input("FROM python_3_11\nRUN apt-get update && apt-get install -y curl\n", sources: plain)
        let unconfigured = try Self.pin(input)
        #expect(unconfigured.unpinned.contains { $0.what == "apt sources" && $0.reason.contains("--debian-snapshot") })

        let time = Date(timeIntervalSince1970: 1_700_000_000)   // 2023-11-14T22:13:20Z
        input.configuredSnapshot = DebianSnapshot.configured("http://snapshot.example/archive/", time: time)
        let configured = try Self.pin(input)
        #expect(configured.snapshot == REEManifest.SnapshotInfo(url: "http://snapshot.example/archive/debian/20231114T221320Z", timestamp: "20231114T221320Z", origin: "configuration"))
        #expect(configured.dockerfile.contains("ARG REE_DEBIAN_SNAPSHOT=http://snapshot.example/archive/debian/20231114T221320Z"))
        #expect(configured.unpinned == [])
    }

    @Test func snapshotURLsAreDerivedFromCommentsAndConfiguration() {
        #expect(DebianSnapshot.snapshotURL(inComment: "# \(Self.snapshot)") == Self.snapshot)
        #expect(DebianSnapshot.snapshotURL(inComment: "# http://mirror.example/debian") == nil)
        #expect(DebianSnapshot.snapshotURL(inComment: "#http://s.example/archive/debian-security/20250520T000000Z/") == "http://s.example/archive/debian-security/20250520T000000Z")
        #expect(DebianSnapshot.parse(url: Self.snapshot)?.archive == "debian")
        #expect(DebianSnapshot.parse(url: "http://s.example/archive/debian/2025-05-20") == nil)
        let time = Date(timeIntervalSince1970: 0)
        #expect(DebianSnapshot.configured("https://s.example", time: time)?.url(archive: "debian") == "https://s.example/archive/debian/19700101T000000Z")
        #expect(DebianSnapshot.configured(Self.snapshot, time: time)?.timestamp == "20250520T000000Z")
        #expect(DebianSnapshot.configured("s.example", time: time) == nil)
        let sources = AptSource.parse(files: [("debian.sources", Self.sources), ("extra.list", "# \(Self.snapshot)\ndeb [signed-by=/k.gpg] http://m.example/debian bookworm main contrib\n")])
        #expect(sources.map(\.archive) == ["debian", "debian-security", "debian"])
        #expect(sources[2] == AptSource(types: ["deb"], uri: "http://m.example/debian", suites: ["bookworm"], components: ["main", "contrib"],
                                        signedBy: "/k.gpg", snapshotComment: Self.snapshot))
    }

    /// The script's shell rule and the Swift one agree: one --build-arg moves every archive.
    @Test(arguments: [
        "http://snapshot.example/archive/debian/20250520T000000Z", "http://snapshot.example/archive/debian/20250520T000000Z/",
        "http://mirror.example/debian", "http://mirror.example/debian/",
    ])
    func securityArchiveFollowsTheDebianArgument(url: String) throws {
        let result = try Self.pin(Self.input("FROM python_3_11\nRUN apt-get update\n"))
        let script = try #require(result.dockerfile.components(separatedBy: "REE_PINS_EOF' /apt-snapshot.sh\n").last?.components(separatedBy: "\nREE_PINS_EOF").first)
        let dir = try makeTemporaryDirectory(prefix: "ree-pin-script")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shell = script.replacingOccurrences(of: "/run/ree-apt", with: dir) + "\ncat \(dir)/sources.list\n"
        let out = try Shell.run(["sh", "-c", shell], environment: ["REE_DEBIAN_SNAPSHOT": url, "REE_DEBIAN_SECURITY_SNAPSHOT": ""])
        #expect(out.succeeded, "\(out.stderr)")
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let security = trimmed.contains("/archive/") ? "http://snapshot.example/archive/debian-security/20250520T000000Z" : "http://mirror.example/debian-security"
        #expect(out.stdout.contains("] \(trimmed) bookworm main\n"))
        #expect(out.stdout.contains("] \(security) bookworm-security main\n"), "\(out.stdout)")
    }

    @Test func anAddedURLGetsTheChecksumOfWhatWasDownloaded() throws {
        let fetched = ObservedExchange(step: "step 2, line 2", method: "GET", url: "https://files.example/tool.tar.gz", status: 200,
                                       sha256: String(repeating: "c", count: 64), size: 10)
        let result = try Self.pin(Self.input("FROM python_3_11\nADD --chmod=0644 https://files.example/tool.tar.gz /opt/\n", exchanges: [fetched]))
        #expect(result.dockerfile.contains("ADD --checksum=sha256:\(String(repeating: "c", count: 64)) --chmod=0644 https://files.example/tool.tar.gz /opt/\n"))
        #expect(result.pinned.contains { $0.kind == "url" && $0.name == "https://files.example/tool.tar.gz" })
        #expect(result.unpinned == [])
    }

    @Test func aBaseImageAlreadyPinnedByDigestStaysAsWritten() throws {
        var input = Self.input("FROM python_3_11@\(Self.digest)\nCMD [\"true\"]\n")
        input.baseImages = ["python_3_11@\(Self.digest)": Self.digest]
        let result = try Self.pin(input)
        #expect(result.dockerfile == "FROM python_3_11@\(Self.digest)\nCMD [\"true\"]\n")
        #expect(result.pinned == [.init(line: 1, kind: "base-image", name: "python_3_11", version: Self.digest, digest: Self.digest)])
    }

    @Test func numericStageReferencesMoveWithThePinsStage() throws {
        let dockerfile = """
            FROM python_3_11 AS build
            RUN pip install six
            FROM python_3_11
            COPY --from=0 /usr/local /usr/local
            RUN --mount=type=bind,from=0,source=/etc,target=/x true
            """
        let result = try Self.pin(Self.input(dockerfile, exchanges: [Self.download(2, "six-1.16.0-py2.py3-none-any.whl", "1")]))
        #expect(result.dockerfile.contains("COPY --from=1 /usr/local /usr/local"))
        #expect(result.dockerfile.contains("RUN --mount=type=bind,from=1,source=/etc,target=/x true"))
        #expect(result.dockerfile.contains("FROM python_3_11@\(Self.digest) AS build"))
        // A stage outside the built image keeps what pip downloaded, installed or not.
        #expect(result.dockerfile.contains("six==1.16.0 --hash=sha256:"))
    }
}
