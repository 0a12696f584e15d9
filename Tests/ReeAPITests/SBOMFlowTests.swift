import Foundation
import ReeTestSupport
import Testing

extension APITests {
    /// The SBOM strategy through the real `ree serve`: a project ZIP to /api/sbom/define gives an REE
    /// of strategy sbom (the download), which /api/recording/build builds back with the same packages.
    @Suite("The SBOM strategy behind ree serve", .serialized)
    struct SBOMFlowTests {
        @Test("hello-busybox: sbom define, download the REE, build it back")
        func sbomDefineThenBuild() async throws {
            try Requirements.root()
            try Requirements.tool("apt-get")
            let unzip = try Requirements.tool("unzip")
            let home = try makeTemporaryDirectory(prefix: "ree-sbom-flow")
            defer { try? FileManager.default.removeItem(atPath: home) }
            try ReeBinary.check(["image", "bootstrap", "busybox"], home: home)
            let server = try await LiveServer.start(home: home)
            defer { server.stop() }
            let auth = HTTP.Credentials.basic("ree", try #require(server.generatedPassword))

            let sample = samplesDirectory + "/hello-busybox"
            guard FileManager.default.fileExists(atPath: sample) else {
                try Requirements.missing("sample hello-busybox not found at \(sample)")
                return
            }
            let work = try makeTemporaryDirectory(prefix: "ree-sbom-flow-files")
            defer { try? FileManager.default.removeItem(atPath: work) }
            _ = try Shell.check(["sh", "-c", "cd '\(sample)' && zip -q -r '\(work)/project.zip' ."])
            let project = try Data(contentsOf: URL(fileURLWithPath: work + "/project.zip"))

            let define = try await HTTP.postForm(server.base + "/api/sbom/define", fields: [("tag", "my_definition")], file: project, auth: auth)
            #expect(define.status == 200, "\(define.text)")
            // The response is exactly the API document's shape.
            #expect(Set(define.object.keys) == ["uuid", "tag", "status_endpoint"])
            #expect(define.object["tag"] as? String == "my_definition")
            let defineID = try #require(define.object["uuid"] as? String)
            #expect(define.object["status_endpoint"] as? String == "/api/process/status/" + defineID)
            let defineStatus = try await waitForStatus(server, defineID, auth: auth, timeout: .seconds(300))["status"] as? String
            let defineLog = try await HTTP.get(server.base + "/api/process/log/" + defineID, auth: auth).text
            #expect(defineStatus == "processed", "\(defineLog)")
            #expect(defineLog.contains("sbom define: building with the network passed through"))

            let ree = try await HTTP.get(server.base + "/api/process/download/" + defineID, auth: auth)
            #expect(ree.status == 200)
            try ree.body.write(to: URL(fileURLWithPath: work + "/ree.zip"))
            let listing = try Shell.check([unzip, "-l", work + "/ree.zip"])
            for name in ["ree.json", "context/Dockerfile", "context/Dockerfile.pinned", "sbom/image.cdx.json", "sbom/image.spdx.json"] {
                #expect(listing.contains(name), "\(listing)")
            }
            let json = try Shell.check([unzip, "-p", work + "/ree.zip", "ree.json"])
            #expect(json.contains("\"strategy\" : \"sbom\""))
            let pinned = try Shell.check([unzip, "-p", work + "/ree.zip", "context/Dockerfile.pinned"])
            #expect(pinned.contains("FROM busybox@sha256:"))

            let build = try await HTTP.postForm(server.base + "/api/recording/build", fields: [("tag", "my_build")], file: ree.body,
                                                fileName: "ree.zip", auth: auth)
            #expect(build.status == 200, "\(build.text)")
            let buildID = try #require(build.object["uuid"] as? String)
            let buildStatus = try await waitForStatus(server, buildID, auth: auth, timeout: .seconds(300))["status"] as? String
            let buildLog = try await HTTP.get(server.base + "/api/log/download/" + buildID, auth: auth).text
            #expect(buildStatus == "processed", "\(buildLog)")
            #expect(buildLog.contains("every package of the REE's SBOM at the same version"))
            let output = try await HTTP.get(server.base + "/api/process/download/" + buildID, auth: auth)
            #expect(output.status == 200)
            try output.body.write(to: URL(fileURLWithPath: work + "/out.zip"))
            let report = try Shell.check([unzip, "-p", work + "/out.zip", "report.json"])
            #expect(report.contains("\"same_packages\" : true"))
        }
    }
}
