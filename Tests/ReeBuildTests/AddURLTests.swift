import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport
import Synchronization
import Testing

/// `ADD <URL>` from a local `http.server` (which sends Last-Modified from the file's mtime): the
/// file's name, place, mode, owner and mtime in the layer, `--checksum`, HTTP failures, the cache.
@Suite struct AddURLTests {
    /// A served directory and its server.
    final class Site: @unchecked Sendable {
        let directory: String
        let server: LocalHTTPServer
        var base: String { "http://127.0.0.1:\(server.port)" }

        init() throws {
            directory = try makeTemporaryDirectory(prefix: "ree-add-site")
            server = try LocalHTTPServer(directory: directory)
        }

        /// Writes `name` with `content`, and its mtime (so Last-Modified) when given.
        func put(_ name: String, _ content: String, mtime: Int? = nil) throws {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            if let mtime {
                try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(mtime))], ofItemAtPath: path)
            }
        }

        func sha256(_ name: String) throws -> String {
            SHA256.hex(try FileSystem.readFile(directory + "/" + name))
        }

        deinit { server.stop() }
    }

    /// A store with nothing in it: these builds start `FROM scratch` and need no sandbox.
    static func emptyStore() throws -> ImageStore {
        try Requirements.tool("python3")
        return try ImageStore(home: makeTemporaryDirectory(prefix: "ree-add"))
    }

    static func build(_ dockerfile: String, files: [String: String] = [:], in store: ImageStore,
                      configure: (inout BuildOptions) -> Void = { _ in }) async throws -> BuildResult {
        var all = files
        all["Dockerfile"] = dockerfile
        return try await BuildFixtures.build(try BuildFixtures.project(all), in: store, configure: configure)
    }

    /// The error a build throws, or a recorded issue when it succeeds.
    static func failure(_ dockerfile: String, in store: ImageStore, configure: (inout BuildOptions) -> Void = { _ in }) async -> ReeError? {
        do {
            _ = try await build(dockerfile, in: store, configure: configure)
            Issue.record("the build succeeded")
            return nil
        } catch let error as ReeError {
            return error
        } catch {
            Issue.record("not a ReeError: \(error)")
            return nil
        }
    }

    @Test func aURLIsNamedAfterItsPathPlacedByTheDestinationAndNeverUnpacked() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("notes.txt", "notes\n")
        // A real gzip tar: ADD unpacks local archives, never downloaded ones.
        try site.put("src/payload.txt", "inside\n")
        try Shell.check(["tar", "-czf", site.directory + "/tool.tar.gz", "-C", site.directory + "/src", "payload.txt"])
        let result = try await Self.build("""
            FROM scratch
            ADD \(site.base)/tool.tar.gz /opt/
            ADD \(site.base)/notes.txt /etc/renamed.conf
            ADD \(site.base)/notes.txt \(site.base)/tool.tar.gz?version=2 /multi/
            ADD \(site.base)/notes.txt /opt
            """, in: store)
        let layers = try LayerEntry.layers(of: result.image, in: store)
        try #require(layers.count == 4)

        let tool = try #require(layers[0]["opt/tool.tar.gz"])
        #expect(tool.type == "0" && tool.mode == 0o600 && tool.uid == 0 && tool.gid == 0)
        #expect(tool.sha256 == (try site.sha256("tool.tar.gz")), "the archive's bytes, as served")
        #expect(layers[0]["opt/payload.txt"] == nil, "a downloaded archive is not unpacked")
        #expect(layers[0]["opt"]?.mode == 0o755)

        #expect(layers[1]["etc/renamed.conf"]?.data == "notes\n", "a destination without / is the file's name")
        #expect(layers[1]["etc/renamed.conf"]?.mode == 0o600)
        #expect(layers[2]["multi/notes.txt"]?.data == "notes\n")
        #expect(layers[2]["multi/tool.tar.gz"] != nil, "the query is not part of the name")
        #expect(layers[3]["opt/notes.txt"]?.data == "notes\n", "an existing directory takes the file inside")
    }

    @Test func chmodAndChownApplyToTheDownload() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("tool", "#!/bin/sh\necho tool\n")
        let result = try await Self.build("""
            FROM scratch
            ADD --chmod=755 --chown=1000:1001 \(site.base)/tool /usr/local/bin/
            """, in: store)
        let layer = try #require(try LayerEntry.layers(of: result.image, in: store).last)
        let tool = try #require(layer["usr/local/bin/tool"])
        #expect(tool.mode == 0o755 && tool.uid == 1000 && tool.gid == 1001)
    }

    @Test func lastModifiedIsTheMtimeClampedToSourceDateEpoch() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("old.txt", "old\n", mtime: 1_000_000_000)
        try site.put("new.txt", "new\n", mtime: 2_000_000_000)
        let result = try await Self.build("""
            FROM scratch
            ADD \(site.base)/old.txt \(site.base)/new.txt /d/
            """, in: store) { $0.sourceDateEpoch = 1_500_000_000 }
        let layer = try #require(try LayerEntry.layers(of: result.image, in: store).last)
        #expect(layer["d/old.txt"]?.mtime == 1_000_000_000, "Last-Modified before the epoch is kept")
        #expect(layer["d/new.txt"]?.mtime == 1_500_000_000, "Last-Modified after the epoch is clamped")
    }

    @Test func aGoodChecksumPassesAndKeysTheCacheWithoutAFetch() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("app.bin", "binary\n")
        let dockerfile = """
            FROM scratch
            ADD --checksum=sha256:\(try site.sha256("app.bin")) \(site.base)/app.bin /app.bin
            """
        let first = try await Self.build(dockerfile, in: store)
        // The server is gone: only the checksum key can give the layer now.
        site.server.stop()
        let second = try await Self.build(dockerfile, in: store)
        #expect(second.cachedSteps == first.cachedSteps + 1)
        #expect(second.image.manifest.digest == first.image.manifest.digest)
    }

    @Test func aWrongChecksumFailsNamingTheURLAndBothDigests() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("app.bin", "binary\n")
        let wrong = String(repeating: "ab", count: 32)
        let error = await Self.failure("""
            FROM scratch
            ADD --checksum=sha256:\(wrong) \(site.base)/app.bin /app.bin
            """, in: store)
        let message = error?.message ?? ""
        #expect(message.contains("\(site.base)/app.bin"), "\(message)")
        #expect(message.contains("expected sha256:\(wrong)"), "\(message)")
        #expect(message.contains("got sha256:\(try site.sha256("app.bin"))"), "\(message)")
        #expect(message.contains("line 2"), "\(message)")
        #expect((try? store.resolve("built")) == nil, "no image is stored under the tag")
    }

    @Test func httpAndConnectionFailuresFailTheStepWithTheURL() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        let missing = await Self.failure("FROM scratch\nADD \(site.base)/missing.txt /x\n", in: store)
        #expect(missing?.message.contains("'\(site.base)/missing.txt'") == true, "\(missing?.message ?? "")")
        #expect(missing?.message.contains("HTTP status 404") == true, "\(missing?.message ?? "")")
        #expect(missing?.code == .notFound)

        let refused = "http://127.0.0.1:\(LocalHTTPServer.closedPort())/x"
        let connection = await Self.failure("FROM scratch\nADD \(refused) /x\n", in: store)
        #expect(connection?.message.contains("'\(refused)'") == true, "\(connection?.message ?? "")")

        let dns = "http://ree-no-such-host.invalid/x"
        let unresolved = await Self.failure("FROM scratch\nADD \(dns) /x\n", in: store)
        #expect(unresolved?.message.contains("'\(dns)'") == true, "\(unresolved?.message ?? "")")

        let git = await Self.failure("FROM scratch\nADD https://github.com/moby/buildkit.git /src\n", in: store)
        #expect(git?.code == .unsupported)
        #expect(git?.message.contains("Git sources are not supported") == true, "\(git?.message ?? "")")

        // Nothing of the failed downloads is left behind.
        let left = try FileSystem.listDirectory(store.home + "/tmp").filter { $0.hasPrefix("download-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aBodyOverTheLimitFailsTheStep() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("big.bin", String(repeating: "x", count: 4096))
        let error = await Self.failure("FROM scratch\nADD \(site.base)/big.bin /big.bin\n", in: store) { $0.downloadLimit = 1000 }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("'\(site.base)/big.bin'") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("limit of 1000 bytes") == true, "\(error?.message ?? "")")
        let left = try FileSystem.listDirectory(store.home + "/tmp").filter { $0.hasPrefix("download-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func redirectsAreFollowedAndTheFileIsNamedAfterTheURLAsWritten() async throws {
        let store = try Self.emptyStore()
        let (port, server) = try ScriptServer.start("""
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_GET(self):
                    if self.path == "/latest":
                        self.send_response(302)
                        self.send_header("Location", "/releases/tool-1.2.bin")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    else:
                        body = ("served " + self.path + "\\n").encode()
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
            s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """, arguments: [])
        defer { ScriptServer.stop(server) }
        let result = try await Self.build("FROM scratch\nADD http://127.0.0.1:\(port)/latest /opt/\n", in: store)
        let layer = try #require(try LayerEntry.layers(of: result.image, in: store).last)
        #expect(layer["opt/latest"]?.data == "served /releases/tool-1.2.bin\n", "\(layer.keys.sorted())")
    }

    @Test func theCacheHitsOnAnUnchangedBodyAndMissesOnAChangedOne() async throws {
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("data.txt", "one\n", mtime: 1_000_000)
        let dockerfile = """
            FROM scratch
            ADD \(site.base)/data.txt /data.txt
            COPY local.txt /local.txt
            """
        let files = ["local.txt": "local\n"]
        let first = try await Self.build(dockerfile, files: files, in: store)
        let same = try await Self.build(dockerfile, files: files, in: store)
        #expect(same.cachedSteps == first.cachedSteps + 2, "an unchanged body: both steps cached")
        #expect(same.image.manifest.digest == first.image.manifest.digest)

        try site.put("data.txt", "two\n", mtime: 1_000_000)
        let changed = try await Self.build(dockerfile, files: files, in: store)
        #expect(changed.cachedSteps == first.cachedSteps, "a changed body: the ADD and what follows are rebuilt")
        #expect(changed.image.manifest.digest != first.image.manifest.digest)
        let layer = try #require(try LayerEntry.layers(of: changed.image, in: store).first)
        #expect(layer["data.txt"]?.data == "two\n")
    }

    @Test func anImageWithDownloadsValidatesWithSkopeoAndUnpacksWithUmoci() async throws {
        try Requirements.tool("umoci")
        try Requirements.tool("skopeo")
        let store = try Self.emptyStore()
        let site = try Site()
        try site.put("hello.txt", "hello\n", mtime: 1_000_000)
        _ = try await Self.build("""
            FROM scratch
            ADD --chmod=644 \(site.base)/hello.txt /srv/www/
            """, in: store)
        let dir = try makeTemporaryDirectory()
        let tar = dir + "/image.tar"
        try store.exportArchive("built", toPath: tar)
        #expect(try Shell.run(["skopeo", "inspect", "oci-archive:\(tar)"]).succeeded)
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "oci:\(dir)/layout:i"])
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:i", "\(dir)/unpacked"])
        #expect(try String(contentsOfFile: "\(dir)/unpacked/rootfs/srv/www/hello.txt", encoding: .utf8) == "hello\n")
        #expect(try Shell.check(["stat", "-c", "%a %Y", "\(dir)/unpacked/rootfs/srv/www/hello.txt"]) == "644 0\n")
    }
}
