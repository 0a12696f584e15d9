import Foundation
import ReeAPI
import ReeArchive
import ReeOCI
import ReeOS
import ReeService
import ReeServiceTestSupport
import ReeTestSupport
import Testing

extension APITests {
    @Suite("Routes of the API document, in process")
    struct RouteTests {
        static func isUUID(_ s: String) -> Bool {
            s.count == 36 && s == s.lowercased() && UUID(uuidString: s) != nil
        }

        @Test("Each create route answers {uuid, tag, status_endpoint}; status, both log routes and download follow",
              arguments: ["/api/recording/create", "/api/recording/build", "/api/replay/create", "/api/sbom/define"])
        func createStatusLogDownload(_ route: String) async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let created = try await HTTP.postForm(server.base + route, fields: [("tag", "my_build")], file: try projectZip())
            #expect(created.status == 200, "\(created.text)")
            #expect(created.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(Set(created.object.keys) == ["uuid", "tag", "status_endpoint"])
            let uuid = try #require(created.object["uuid"] as? String)
            #expect(Self.isUUID(uuid))
            #expect(created.object["tag"] as? String == "my_build")
            #expect(created.object["status_endpoint"] as? String == "/api/process/status/\(uuid)")

            let status = try await waitForStatus(server, uuid)
            #expect(Set(status.keys) == ["download_log_endpoint", "download_endpoint", "uuid", "tag", "status"])
            #expect(status["status"] as? String == "processed")
            #expect(status["download_log_endpoint"] as? String == "/api/log/download/\(uuid)")
            #expect(status["download_endpoint"] as? String == "/api/process/download/\(uuid)")
            #expect(status["tag"] as? String == "my_build")

            for logRoute in ["/api/process/log/", "/api/log/download/"] {
                let log = try await HTTP.get(server.base + logRoute + uuid)
                #expect(log.status == 200)
                #expect(log.header("Content-Type")?.hasPrefix("text/plain") == true)
                #expect(log.text.contains("worker: done"))
            }
            let download = try await HTTP.get(server.base + "/api/process/download/" + uuid)
            #expect(download.status == 200)
            #expect(download.header("Content-Type") == "application/zip")
            let zipPath = server.home + "/downloaded.zip"
            try download.body.write(to: URL(fileURLWithPath: zipPath))
            let reader = try ArchiveReader(path: zipPath, formats: [.zip])
            #expect(try reader.next()?.path == "ree.json")
        }

        @Test("Without a tag, tag is null in the JSON")
        func tagIsNull() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let created = try await HTTP.postForm(server.base + "/api/sbom/define", file: try projectZip())
            #expect(created.status == 200)
            #expect(created.text.contains("\"tag\":null"))
            let uuid = try #require(created.object["uuid"] as? String)
            let status = try await HTTP.get(server.base + "/api/process/status/" + uuid)
            #expect(status.text.contains("\"tag\":null"))
        }

        static let badRequestCases: [(String, [(String, String)], Bool, String)] = [
            ("no file", [("tag", "x")], false, "'file' is missing"),
            ("an escaping dockerfile", [("dockerfile", "../Dockerfile")], true, "escapes the project"),
            ("an absolute dockerfile", [("dockerfile", "/etc/passwd")], true, "absolute"),
            ("an invalid tag", [("tag", "no spaces; please")], true, "invalid tag"),
        ]

        @Test("Bad requests get 400 with {\"error\"}", arguments: badRequestCases)
        func badRequests(_ name: String, _ fields: [(String, String)], _ withFile: Bool, _ message: String) async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let r = try await HTTP.postForm(server.base + "/api/recording/create", fields: fields, file: withFile ? try projectZip() : nil)
            #expect(r.status == 400, "\(name): \(r.text)")
            #expect(Set(r.object.keys) == ["error"])
            #expect((r.object["error"] as? String)?.contains(message) == true, "\(name): \(r.text)")
            #expect(listTree(server.home + "/processes").isEmpty)
            #expect(listTree(server.home + "/uploads").isEmpty)
        }

        @Test("A file that is not a ZIP, and a body that is not a form, get 400")
        func notAZip() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let r = try await HTTP.postForm(server.base + "/api/recording/build", file: Data("#!/bin/sh\necho not a zip\n".utf8))
            #expect(r.status == 400)
            #expect(r.object["error"] as? String == "the uploaded file is not a ZIP archive")
            let json = try await HTTP.request("POST", server.base + "/api/sbom/define", body: Data("{}".utf8), contentType: "application/json")
            #expect(json.status == 400)
            #expect(listTree(server.home + "/uploads").isEmpty)
        }

        @Test("An upload over the limit gets 413 and leaves no file behind")
        func uploadLimit() async throws {
            let server = try await TestServer.start(worker: OutputWorker(), maxUploadBytes: 64 << 10)
            defer { Task { await server.stop() } }
            let big = try projectZip([.file("Dockerfile", "FROM busybox\n"), .file("noise", String(repeating: "x", count: 10) + UUID().uuidString),
                                      .zeros("zeros", bytes: 1 << 20)])
            var payload = big
            payload.append(Data(count: 200 << 10)) // past the limit whatever the compression did
            let r = try await HTTP.postForm(server.base + "/api/sbom/define", file: payload)
            #expect(r.status == 413)
            #expect((r.object["error"] as? String)?.contains("larger than the limit of 65536 bytes") == true)
            #expect(listTree(server.home + "/uploads").isEmpty)
            #expect(listTree(server.home + "/processes").isEmpty)
        }

        @Test("Unknown and malformed uuids and unknown images get 404", arguments: [
            "/api/process/status/bd4765b4-3ffb-412f-96ad-fc634b72abbd", "/api/process/status/not-a-uuid",
            "/api/process/log/bd4765b4-3ffb-412f-96ad-fc634b72abbd", "/api/log/download/xyz",
            "/api/process/download/bd4765b4-3ffb-412f-96ad-fc634b72abbd", "/api/image/download/python_3_11",
            "/api/image/download/../../etc/passwd", "/api/no/such/route",
        ])
        func notFound(_ path: String) async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let r = try await HTTP.get(server.base + path)
            #expect(r.status == 404, "\(path): \(r.text)")
            #expect(r.object["error"] is String)
        }

        @Test("Downloading the output of a running process gets 409; of a failed one too")
        func downloadUnfinished() async throws {
            let worker = OutputWorker()
            let server = try await TestServer.start(worker: worker)
            defer { Task { await server.stop() } }
            let created = try await HTTP.postForm(server.base + "/api/recording/create", fields: [("tag", "block")], file: try projectZip())
            let uuid = try #require(created.object["uuid"] as? String)
            _ = try await waitForStatus(server, uuid, until: { $0 == "running" })
            let r = try await HTTP.get(server.base + "/api/process/download/" + uuid)
            #expect(r.status == 409)
            #expect(r.object["error"] as? String == "process \(uuid) is running; its output is not ready")

            // Following the log streams until the process ends.
            Task {
                try await Task.sleep(for: .milliseconds(300))
                worker.release()
            }
            let followed = try await HTTP.get(server.base + "/api/process/log/\(uuid)?follow=true")
            #expect(followed.status == 200)
            #expect(followed.text.contains("worker: waiting"))
            #expect(followed.text.contains("ree: process finished"))

            let failing = try await TestServer.start(worker: ContextPreparingWorker())
            defer { Task { await failing.stop() } }
            let f = try await HTTP.postForm(failing.base + "/api/recording/create", file: try projectZip())
            let fid = try #require(f.object["uuid"] as? String)
            #expect(try await waitForStatus(failing, fid)["status"] as? String == "failed")
            #expect(try await HTTP.get(failing.base + "/api/process/download/" + fid).status == 409)
        }

        @Test("Images: the list names each with its download endpoint; the download is a tar that tar reads")
        func images() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let empty = try await HTTP.get(server.base + "/api/image/list")
            #expect(empty.status == 200)
            #expect(empty.text == "[]")
            try makeTestImage(in: server.store, name: "python_3_11")
            let list = try await HTTP.get(server.base + "/api/image/list")
            let entries = try #require(list.json as? [[String: String]])
            #expect(entries == [["name": "python_3_11", "download_endpoint": "/api/image/download/python_3_11"]])
            let download = try await HTTP.get(server.base + "/api/image/download/python_3_11")
            #expect(download.status == 200)
            #expect(download.header("Content-Type") == "application/x-tar")
            let tarPath = server.home + "/image.tar"
            try download.body.write(to: URL(fileURLWithPath: tarPath))
            let expected = server.home + "/expected.tar"
            try server.store.exportArchive("python_3_11", toPath: expected)
            #expect(try Data(contentsOf: URL(fileURLWithPath: expected)) == download.body)
            let tar = try Requirements.tool("tar")
            let names = try Shell.check([tar, "-tf", tarPath]).split(separator: "\n").map(String.init)
            #expect(names.contains("index.json") && names.contains("oci-layout") && names.contains("manifest.json"))
        }

        @Test("The OpenAPI document is served and is docs/openapi.json, and names every route")
        func openAPI() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let r = try await HTTP.get(server.base + "/api/openapi.json")
            #expect(r.status == 200)
            let file = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/docs/openapi.json"))
            #expect(r.body == file, "docs/openapi.json differs from the served document (Sources/ReeAPI/OpenAPI/OpenAPIDocument.swift)")
            let paths = try #require((r.object["paths"] as? [String: Any])?.keys)
            #expect(Set(paths) == [
                "/api/recording/create", "/api/recording/build", "/api/replay/create", "/api/sbom/define",
                "/api/process/status/{process_uuid}", "/api/process/log/{process_uuid}", "/api/log/download/{process_uuid}",
                "/api/process/download/{process_uuid}", "/api/image/list", "/api/image/download/{image_name}",
                "/api/openapi.json", "/metrics",
            ])
            #expect(try await HTTP.get(server.base + "/api/openapi.json", auth: .none).status == 401)
        }

        @Test("Metrics count requests by route and status and show the queue")
        func metrics() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            _ = try await HTTP.get(server.base + "/api/image/list")
            let r = try await HTTP.get(server.base + "/metrics")
            #expect(r.status == 200)
            #expect(r.text.contains("ree_http_requests_total{method=\"GET\",route=\"/api/image/list\",status=\"200\"}"))
            #expect(r.text.contains("ree_http_request_duration_seconds_bucket"))
            #expect(r.text.contains("ree_process_queue_length"))
        }
    }
}

/// A one-layer image written straight into the store (no recipes, no network).
@discardableResult
func makeTestImage(in store: ImageStore, name: String) throws -> Descriptor {
    let tar = MemorySink()
    let w = try ArchiveWriter(sink: tar, name: "layer", options: .deterministic())
    try w.write(ArchiveEntry(path: "etc/hello", kind: .regular, mode: 0o644, mtime: 1_700_000_000), contents: Array("hello\n".utf8))
    try w.finish()
    let layer = try store.blobs.put(tar.bytes, mediaType: .ociLayer)
    let config = ImageConfig(rootfs: .init(diffIDs: [Digest.sha256(of: tar.bytes)]))
    return try store.writeImage(name: ImageName(name), config: config, layers: [layer])
}
