import Foundation
import ReeOCI
import ReeService
import ReeServiceTestSupport
import ReeTestSupport
import Testing

extension APITests {
    @Suite("The ree serve binary", .serialized)
    struct LiveServerTests {
        static func json(_ text: String) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }

        @Test("The API document's example requests, run with httpie, get the documented statuses and bodies")
        func documentExamples() async throws {
            _ = try Requirements.tool("http")
            let home = try makeTemporaryDirectory(prefix: "ree-live")
            try makeTestImage(in: try ImageStore(home: home), name: "python_3_11")
            let server = try await LiveServer.start(home: home)
            defer { server.stop() }
            let password = try #require(server.generatedPassword)
            let auth = "ree:\(password)"
            let project = home + "/project.zip"
            try ZipFixture.write(project, [.file("Dockerfile", "FROM python_3_11\nRUN pip install requests\n")])
            let a = server.address

            var uuids: [String] = []
            for (route, tag) in [("/api/replay/create", "my_build"), ("/api/recording/build", "my_build"),
                                 ("/api/recording/create", "my_definition"), ("/api/sbom/define", "my_definition")] {
                let r = try await HTTPie.run(["--form", "POST", a + route, "tag=\(tag)", "file@\(project)"], auth: auth)
                #expect(r.status == 200, "\(route): \(r.body)")
                let body = Self.json(r.body)
                #expect(Set(body.keys) == ["uuid", "tag", "status_endpoint"])
                #expect(body["tag"] as? String == tag)
                let uuid = try #require(body["uuid"] as? String)
                #expect(body["status_endpoint"] as? String == "/api/process/status/\(uuid)")
                uuids.append(uuid)
            }
            let uuid = uuids[2]
            var status: [String: Any] = [:]
            for _ in 0..<200 {
                let r = try await HTTPie.run(["GET", a + "/api/process/status/\(uuid)"], auth: auth)
                #expect(r.status == 200)
                status = Self.json(r.body)
                if status["status"] as? String == "failed" || status["status"] as? String == "processed" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(Set(status.keys) == ["download_log_endpoint", "download_endpoint", "uuid", "tag", "status"])
            #expect(status["download_log_endpoint"] as? String == "/api/log/download/\(uuid)")
            // The fake python_3_11 image has no shell: the define fails at its RUN, after preparing the project.
            #expect(status["status"] as? String == "failed")

            let log = try await HTTPie.run(["GET", a + "/api/process/log/\(uuid)"], auth: auth)
            #expect(log.status == 200)
            #expect(log.body.contains("found the Dockerfile 'Dockerfile'"))
            #expect(log.body.contains("error: "), "\(log.body)")
            let alias = try await HTTPie.run(["GET", a + "/api/log/download/\(uuid)"], auth: auth)
            #expect(alias.status == 200 && alias.body == log.body)

            let download = try await HTTPie.run(["GET", a + "/api/process/download/\(uuid)"], auth: auth)
            #expect(download.status == 409)

            let list = try await HTTPie.run(["GET", a + "/api/image/list"], auth: auth)
            #expect(list.status == 200)
            let images = (try? JSONSerialization.jsonObject(with: Data(list.body.utf8))) as? [[String: String]]
            #expect(images == [["download_endpoint": "/api/image/download/python_3_11", "name": "python_3_11"]])
            let image = try await HTTPie.run(["GET", a + "/api/image/download/python_3_11"], auth: auth)
            #expect(image.status == 200)
            // Not a terminal, so httpie prints the tar itself (a terminal gets "NOTE: binary data not shown").
            #expect(image.headers.contains("Content-Type: application/x-tar"))
            #expect(image.body.hasPrefix("blobs/"))

            let missing = try await HTTPie.run(["GET", a + "/api/process/status/bd4765b4-3ffb-412f-96ad-fc634b72abbd"], auth: auth)
            #expect(missing.status == 404)
            let unauthorized = try await HTTPie.run(["GET", a + "/api/image/list"], auth: "ree:wrong")
            #expect(unauthorized.status == 401)

            // One structured log line per request: method, route, status, duration, user.
            let stderr = server.stderr
            #expect(stderr.contains("http.method=POST http.route=/api/replay/create http.status=200 user=ree"))
            #expect(stderr.contains("http.method=GET http.route=/api/image/list http.status=401 user=-"))
            #expect(stderr.contains("duration_ms="))
        }

        @Test("After SIGKILL and a restart: finished processes are intact, the running one failed with the reason in its log, the queued one runs")
        func restartAfterSIGKILL() async throws {
            let home = try makeTemporaryDirectory(prefix: "ree-live")
            let first = try await LiveServer.start(home: home)
            let password = try #require(first.generatedPassword)
            let auth = HTTP.Credentials.basic("ree", password)
            let small = try projectZip()
            // Fifty thousand tiny files: unpacking takes long enough to be caught running.
            let slowPath = home + "/slow.zip"
            try ZipFixture.write(slowPath, [.file("Dockerfile", "FROM busybox\n")] + (0..<50_000).map { .file("f/\($0)", "x") })
            let slow = try Data(contentsOf: URL(fileURLWithPath: slowPath))

            let done = try await HTTP.postForm(first.base + "/api/recording/create", fields: [("tag", "done")], file: small, auth: auth)
            let doneID = try #require(done.object["uuid"] as? String)
            var doneStatus = ""
            for _ in 0..<200 where doneStatus != "failed" {
                doneStatus = try await HTTP.get(first.base + "/api/process/status/" + doneID, auth: auth).object["status"] as? String ?? ""
                try await Task.sleep(for: .milliseconds(50))
            }
            let doneLog = try await HTTP.get(first.base + "/api/process/log/" + doneID, auth: auth).text

            let running = try await HTTP.postForm(first.base + "/api/recording/create", fields: [("tag", "running")], file: slow, auth: auth)
            let runningID = try #require(running.object["uuid"] as? String)
            let queued = try await HTTP.postForm(first.base + "/api/sbom/define", fields: [("tag", "queued")], file: small, auth: auth)
            let queuedID = try #require(queued.object["uuid"] as? String)
            var seen = ""
            for _ in 0..<400 where seen != "running" {
                seen = try await HTTP.get(first.base + "/api/process/status/" + runningID, auth: auth).object["status"] as? String ?? ""
                if seen == "failed" { break }
            }
            #expect(seen == "running", "the slow process was not caught running")
            try await first.kill()

            let second = try await LiveServer.start(home: home)
            defer { second.stop() }
            #expect(second.generatedPassword == nil)
            let doneAfter = try await HTTP.get(second.base + "/api/process/status/" + doneID, auth: auth)
            #expect(doneAfter.object["status"] as? String == "failed")
            #expect(try await HTTP.get(second.base + "/api/process/log/" + doneID, auth: auth).text == doneLog)

            let interrupted = try await HTTP.get(second.base + "/api/process/status/" + runningID, auth: auth)
            #expect(interrupted.object["status"] as? String == "failed")
            let interruptedLog = try await HTTP.get(second.base + "/api/process/log/" + runningID, auth: auth).text
            #expect(interruptedLog.hasSuffix(ProcessService.interruptedMessage + "\n"))

            var queuedStatus = ""
            for _ in 0..<200 where queuedStatus != "failed" {
                queuedStatus = try await HTTP.get(second.base + "/api/process/status/" + queuedID, auth: auth).object["status"] as? String ?? ""
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(queuedStatus == "failed")
            let queuedLog = try await HTTP.get(second.base + "/api/process/log/" + queuedID, auth: auth).text
            #expect(queuedLog.contains("ree: process started"))
            // It ran after the restart: the SBOM define started (and failed: this home has no busybox).
            #expect(queuedLog.contains("sbom define: building with the network passed through"), "\(queuedLog)")
        }

        @Test("schemathesis finds no server error and no response that contradicts the OpenAPI document")
        func schemathesis() async throws {
            let st = try Requirements.tool("schemathesis")
            let home = try makeTemporaryDirectory(prefix: "ree-live")
            let htpasswd = home + "/users"
            try FileManager.default.createFile(atPath: htpasswd, contents: Data("alice:\(TestServer.users["alice"]!)\n".utf8))
            let server = try await LiveServer.start(home: home, environment: ["REE_HTPASSWD": htpasswd, "REE_MAX_UPLOAD_BYTES": "1048576"])
            defer { server.stop() }
            let argv = ["timeout", "600", st, "run", server.base + "/api/openapi.json", "--auth", "alice:alice-pw",
                        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
                        "--max-examples", "30", "--request-timeout", "30", "--seed", "1", "--no-color"]
            let r = try await onThread { try Shell.run(argv, environment: ["SCHEMATHESIS_HOOKS": ""], directory: home) }
            #expect(r.succeeded, "\(r.stdout.suffix(4000))\(r.stderr.suffix(2000))")
            #expect(!server.stderr.contains("http.status=5"))
        }
    }
}
