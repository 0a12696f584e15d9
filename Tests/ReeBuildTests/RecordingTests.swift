import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

/// The recording strategy end to end: define with the network, build offline from the REE.
@Suite struct RecordingTests {
    struct Sample: Sendable, CustomStringConvertible {
        var name: String
        var bases: [String]
        var mode: SandboxConfiguration.UserNamespaceMode
        var description: String { "\(name) (\(mode))" }
    }

    static let samples: [Sample] = [
        Sample(name: "python-app", bases: ["python_3_11"], mode: .auto),
        Sample(name: "multistage-c", bases: ["debian_bookworm", "busybox"], mode: .auto),
        Sample(name: "python-app", bases: ["python_3_11"], mode: .single),
        Sample(name: "multistage-c", bases: ["debian_bookworm", "busybox"], mode: .single),
    ]

    /// The acceptance samples: the replay opens no upstream connection, the image works, and its
    /// manifest digest is the define's. The build runs in a store without the base images: they come
    /// from the REE (`embedBase`).
    @Test(arguments: samples)
    func sampleDefinesAndRebuildsIdenticallyOffline(sample: Sample) async throws {
        // Single-id mode as root uses layers unpacked with every file ours (`LayerCache.flatten`),
        // as an unprivileged user's unpack would be: the image's `_apt`-owned directories stay writable.
        try await Self.check(sample)
    }

    static func check(_ sample: Sample) async throws {
        let project = try BuildFixtures.sample(sample.name)
        let defineStore = try RecordingFixtures.store(with: sample.bases)
        let dir = try makeTemporaryDirectory(prefix: "ree-rec-out")
        let ree = dir + "/ree.zip", out = dir + "/out.zip"
        let definition = try await RecordingFixtures.define(project, in: defineStore, output: ree) {
            $0.embedBase = true
            $0.userNamespace = sample.mode
            $0.tag = try? ImageName("defined")
        }
        #expect((definition.manifest.recording?.exchanges ?? 0) > 0)
        let buildStore = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-rec-build"))
        let (report, lines) = try await RecordingFixtures.build(ree, in: buildStore, output: out) {
            $0.userNamespace = sample.mode
            $0.tag = try? ImageName("rebuilt")
        }
        #expect(report.upstreamRequests == 0)
        #expect(report.unrecordedRequests == [])
        #expect(report.identical, "\(report.differences.map { "\($0)" } ?? "")\n\(lines.joined(separator: "\n"))")
        #expect(report.buildDigest == definition.manifest.imageDigest)
        let json = try RecordingFixtures.readZipEntry(out, "report.json")
        #expect(json.contains("\"identical\" : true"))
        #expect(json.contains("\"define_digest\" : \"\(definition.manifest.imageDigest)\""))

        // Nothing of the recording's network setup is in the image.
        let config = try buildStore.config(of: try buildStore.manifest(of: try buildStore.resolve("rebuilt")))
        let env = (config.config?.env ?? []).joined(separator: " ")
        #expect(!env.lowercased().contains("proxy"))
        #expect(!env.contains("SSL_CERT_FILE"))

        switch sample.name {
        case "python-app":
            #expect(try await BuildFixtures.run("rebuilt", in: buildStore).output == "ok six=1.16.0 idna=3.7 yaml=6.0\n")
            let check = try await BuildFixtures.run("rebuilt", in: buildStore, ["sh", "-c", "ls /etc/apt/apt.conf.d /etc/ssl; grep -c 'BEGIN CERT' /etc/ssl/certs/ca-certificates.crt"])
            #expect(!check.output.contains("ree"))
            let base = try await BuildFixtures.run("python_3_11", in: buildStore, ["sh", "-c", "grep -c 'BEGIN CERT' /etc/ssl/certs/ca-certificates.crt"])
            #expect(check.output.hasSuffix(base.output))
        default:
            #expect(try await BuildFixtures.run("rebuilt", in: buildStore).output == "hello, world\n")
            #expect(try await BuildFixtures.run("rebuilt", in: buildStore, ["ree"]).output == "hello, ree\n")
        }
    }

    /// A step whose requests fail upstream (a 404 from a local server, a refused connection):
    /// the define records what the client saw and the replay gives the same.
    @Test func upstreamFailuresAreRecordedAndReplayed() async throws {
        let (ree, _) = try await Self.failureREE()
        let store = try RecordingFixtures.store(with: ["busybox"])
        let out = try makeTemporaryDirectory(prefix: "ree-rec-out") + "/out.zip"
        let (report, _) = try await RecordingFixtures.build(ree.path, in: store, output: out) { $0.tag = try? ImageName("replayed") }
        #expect(report.identical)
        #expect(report.upstreamRequests == 0)
        let result = try await BuildFixtures.run("replayed", in: store, ["cat", "/404.txt", "/refused.txt", "/ok.txt"])
        #expect(result.output.contains("404"))
        #expect(result.output.contains("502"))
        #expect(result.output.contains("fine\n"))
        let link = try await BuildFixtures.run("replayed", in: store, ["readlink", "/conf/current"])
        #expect(link.output == "v1.txt\n")
    }

    @Test func aTamperedRecordingIsRefusedBeforeAnyStep() async throws {
        let (ree, _) = try await Self.failureREE()
        let dir = try makeTemporaryDirectory(prefix: "ree-rec-bad")
        // 1. A changed body byte: the WARC file no longer matches ree.json.
        // 2. The same with ree.json's digest updated too: the record's payload digest catches it.
        let change = """
            if name.endswith(".warc.gz"):
                data = gzip.compress(gzip.decompress(data).replace(b"fine\\n", b"fin3\\n"))
            """
        let changeAndRelist = change + """

            if name.endswith(".warc.gz"):
                digest = hashlib.sha256(data).hexdigest()
                for i, (n, d) in enumerate(out):
                    if n == "ree.json":
                        j = json.loads(d)
                        for f in j["recording"]["files"]:
                            if f["path"] == name: f["sha256"] = digest; f["size"] = len(data)
                        out[i] = (n, json.dumps(j).encode())
                for i, (n, d) in enumerate(entries):
                    pass
            """
        for (i, edit) in [change, changeAndRelist].enumerated() {
            let bad = dir + "/bad-\(i).zip"
            try RecordingFixtures.rewriteZip(ree.path, to: bad, edit: edit)
            let store = try RecordingFixtures.store(with: ["busybox"])
            do {
                _ = try await RecordingFixtures.build(bad, in: store, output: dir + "/out-\(i).zip")
                Issue.record("a tampered REE was built")
            } catch let error as ReeError {
                #expect(error.code == .corrupt, "\(error)")
                #expect(error.message.contains("changed"), "\(error)")
            }
            #expect(!FileSystem.exists(dir + "/out-\(i).zip"))
        }
    }

    @Test(arguments: [
        ("unknown format version", #"if name == "ree.json": data = data.replace(b'"format_version" : 1', b'"format_version" : 99')"#, "unknown format version 99"),
        ("missing ree.json", #"if name == "ree.json": name = None"#, "no ree.json"),
        ("../ entry", #"if name == "ree.json": extra.append(("../evil.txt", b"x"))"#, "escapes"),
        ("absolute entry", #"if name == "ree.json": extra.append(("/etc/evil.txt", b"x"))"#, "absolute"),
    ])
    func aMalformedREEIsRefusedClearly(_ case_: (String, String, String)) async throws {
        let (ree, _) = try await Self.failureREE()
        let dir = try makeTemporaryDirectory(prefix: "ree-rec-bad")
        let bad = dir + "/bad.zip"
        try RecordingFixtures.rewriteZip(ree.path, to: bad, edit: case_.1)
        let store = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-rec-build"))
        do {
            _ = try await RecordingFixtures.build(bad, in: store, output: dir + "/out.zip")
            Issue.record("\(case_.0): accepted")
        } catch let error as ReeError {
            #expect(error.message.contains(case_.2), "\(case_.0): \(error)")
        }
    }

    /// A small REE over busybox whose step fetches from a local server: a 404, a refused port, a file.
    static func failureREE() async throws -> (RecordingDefinition, ImageStore) {
        try await FailureREE.shared.get()
    }

    actor FailureREE {
        static let shared = FailureREE()
        private var made: (RecordingDefinition, ImageStore)?
        func get() async throws -> (RecordingDefinition, ImageStore) {
            if let made { return made }
            let site = try makeTemporaryDirectory(prefix: "ree-site")
            try "fine\n".write(toFile: site + "/ok.txt", atomically: true, encoding: .utf8)
            let server = try LocalHTTPServer(directory: site)
            defer { server.stop() }
            let refused = LocalHTTPServer.closedPort()
            // The project also holds a symlink: the REE keeps it and the replay copies it as one.
            let project = try BuildFixtures.project(["conf/v1.txt": "v1\n", "Dockerfile": """
                FROM busybox
                COPY conf/ /conf/
                RUN (wget -q -O - http://127.0.0.1:\(server.port)/missing 2>&1 || true) > /404.txt; \
                    (wget -q -O - http://127.0.0.1:\(refused)/x 2>&1 || true) > /refused.txt; \
                    wget -q -O /ok.txt http://127.0.0.1:\(server.port)/ok.txt
                """])
            try FileManager.default.createSymbolicLink(atPath: project + "/conf/current", withDestinationPath: "v1.txt")
            let store = try RecordingFixtures.store(with: ["busybox"])
            let ree = try makeTemporaryDirectory(prefix: "ree-rec-out") + "/failures.zip"
            let definition = try await RecordingFixtures.define(project, in: store, output: ree) { $0.embedBase = true }
            made = (definition, store)
            return (definition, store)
        }
    }
}

/// `python3 -m http.server` on 127.0.0.1, stopped with `stop()`.
final class LocalHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let process: Process

    init(directory: String) throws {
        try Requirements.tool("python3")
        (port, process) = try ScriptServer.start("""
            import http.server, sys, functools
            class H(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *a): pass
            s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """, arguments: [directory])
    }

    func stop() { ScriptServer.stop(process) }

    static func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        close(fd)
        return UInt16(bigEndian: addr.sin_port)
    }
}
