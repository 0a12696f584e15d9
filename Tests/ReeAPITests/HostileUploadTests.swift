import Foundation
import ReeOS
import ReeService
import ReeServiceTestSupport
import ReeTestSupport
import Testing

extension APITests {
    @Suite("Hostile uploads through the API")
    struct HostileUploadTests {
        static let cases: [(String, [ZipFixture.Entry], String)] = [
            ("a ../ entry", [.file("Dockerfile", "FROM busybox\n"), .file("../../escaped.txt", "x")], "escapes the project with '..'"),
            ("an absolute path", [.file("Dockerfile", "FROM busybox\n"), .file("/tmp/ree-api-absolute-escape.txt", "x")], "an absolute path"),
            ("a symlink pointing outside", [.symlink("Dockerfile", target: "../../../../etc/passwd")], "points outside the project"),
            ("a symlink then a file through it", [.symlink("d", target: "/tmp"), .file("d/ree-api-symlink-escape.txt", "x")], "points outside the project"),
            ("a bomb", [.file("Dockerfile", "FROM busybox\n"), .zeros("bomb.bin", bytes: 256 << 20)], "expands past the limit of 1048576 bytes"),
            ("too many entries", [.file("Dockerfile", "FROM busybox\n")] + (0..<100).map { .file("f\($0)", "x") }, "more than 50 entries"),
            ("no Dockerfile", [.file("README.md", "# project\n")], "the Dockerfile 'Dockerfile' does not exist in the project"),
            ("a Dockerfile that is a directory", [.directory("Dockerfile")], "is not a regular file"),
        ]

        @Test("Each hostile project ends in a failed process with a clear log line, and nothing lands outside its folder", arguments: cases)
        func hostileProject(_ name: String, _ entries: [ZipFixture.Entry], _ reason: String) async throws {
            let worker = ContextPreparingWorker(limits: .init(maxEntries: 50, maxTotalBytes: 1 << 20))
            let server = try await TestServer.start(worker: worker)
            defer { Task { await server.stop() } }
            let before = Set(listTree(server.home))
            let created = try await HTTP.postForm(server.base + "/api/recording/create", file: try projectZip(entries))
            #expect(created.status == 200, "\(name): \(created.text)")
            let uuid = try #require(created.object["uuid"] as? String)
            let status = try await waitForStatus(server, uuid)
            #expect(status["status"] as? String == "failed", "\(name)")
            let log = try await HTTP.get(server.base + "/api/process/log/" + uuid).text
            #expect(log.contains("error: ") && log.contains(reason), "\(name): \(log)")
            #expect(!log.contains(server.home), "the log names no host path")

            let after = Set(listTree(server.home)).subtracting(before)
            let outside = after.filter { !$0.hasPrefix("processes/\(uuid)") && !$0.hasPrefix("ree.sqlite") }
            #expect(outside.isEmpty, "\(name): \(outside.sorted())")
            #expect(!FileSystem.exists("/tmp/ree-api-absolute-escape.txt"))
            #expect(!FileSystem.exists("/tmp/ree-api-symlink-escape.txt"))
            let context = server.home + "/processes/\(uuid)/work/context"
            let written = listTree(context).reduce(Int64(0)) { total, path in
                total + ((try? FileManager.default.attributesOfItem(atPath: context + "/" + path)[.size] as? Int64) ?? 0)
            }
            #expect(written <= 1 << 20)
        }
    }
}
