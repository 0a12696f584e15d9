import Foundation
import ReeOCI
import ReeTestSupport
import Testing

extension APITests {
    /// The whole flow through the real `ree serve`: a project ZIP to /api/recording/create, the REE
    /// it defines straight back to /api/replay/create, and the image of that build checked by skopeo.
    @Suite("The build pipeline behind ree serve", .serialized)
    struct PipelineFlowTests {
        @Test("hello-busybox: define, download the REE, build it back, the image validates")
        func defineThenBuild() async throws {
            try Requirements.root()
            try Requirements.tool("apt-get")
            let skopeo = try Requirements.tool("skopeo")
            let unzip = try Requirements.tool("unzip")
            let home = try makeTemporaryDirectory(prefix: "ree-flow")
            try ReeBinary.check(["image", "bootstrap", "busybox"], home: home)
            let server = try await LiveServer.start(home: home)
            defer { server.stop() }
            let auth = HTTP.Credentials.basic("ree", try #require(server.generatedPassword))

            // The sample as a user uploads it: a ZIP of the folder's contents.
            let sample = samplesDirectory + "/hello-busybox"
            guard FileManager.default.fileExists(atPath: sample) else {
                try Requirements.missing("sample hello-busybox not found at \(sample)")
                return
            }
            let work = try makeTemporaryDirectory(prefix: "ree-flow-files")
            try Shell.check(["sh", "-c", "cd '\(sample)' && zip -q -r '\(work)/project.zip' ."])
            let project = try Data(contentsOf: URL(fileURLWithPath: work + "/project.zip"))

            let define = try await HTTP.postForm(server.base + "/api/recording/create", fields: [("tag", "hello_def")], file: project, auth: auth)
            #expect(define.status == 200, "\(define.text)")
            let defineID = try #require(define.object["uuid"] as? String)
            let defineStatus = try await waitForStatus(server, defineID, auth: auth, timeout: .seconds(300))["status"] as? String
            let defineLog = try await HTTP.get(server.base + "/api/process/log/" + defineID, auth: auth).text
            #expect(defineStatus == "processed", "\(defineLog)")
            #expect(defineLog.contains("RUN chmod 0755 /app/greet.sh"))

            let ree = try await HTTP.get(server.base + "/api/process/download/" + defineID, auth: auth)
            #expect(ree.status == 200)
            try ree.body.write(to: URL(fileURLWithPath: work + "/ree.zip"))
            let listing = try Shell.check([unzip, "-l", work + "/ree.zip"])
            #expect(listing.contains("ree.json") && listing.contains("context/Dockerfile") && listing.contains("sbom/image.cdx.json"))

            // The REE goes straight back, through the alias the API document's example uses.
            let build = try await HTTP.postForm(server.base + "/api/replay/create", fields: [("tag", "hello_build")], file: ree.body,
                                                fileName: "ree.zip", auth: auth)
            #expect(build.status == 200, "\(build.text)")
            let buildID = try #require(build.object["uuid"] as? String)
            let buildStatus = try await waitForStatus(server, buildID, auth: auth, timeout: .seconds(300))["status"] as? String
            let buildLog = try await HTTP.get(server.base + "/api/log/download/" + buildID, auth: auth).text
            #expect(buildStatus == "processed", "\(buildLog)")
            #expect(buildLog.contains("identical"))

            let output = try await HTTP.get(server.base + "/api/process/download/" + buildID, auth: auth)
            #expect(output.status == 200)
            try output.body.write(to: URL(fileURLWithPath: work + "/out.zip"))
            try Shell.check([unzip, "-q", "-o", work + "/out.zip", "-d", work + "/out"])
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/out/report.json"))) as? [String: Any]
            #expect(report?["identical"] as? Bool == true)
            let inspect = try Shell.run([skopeo, "inspect", "oci-archive:\(work)/out/image.tar"])
            #expect(inspect.succeeded, "\(inspect.stderr)")
            #expect(inspect.stdout.contains(report?["build_digest"] as? String ?? "missing"))
        }
    }
}
