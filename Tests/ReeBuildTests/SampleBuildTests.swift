import Foundation
import ReeBuild
import ReeOCI
import ReeTestSupport
import Testing

/// The samples that need no network, built and checked against their `# expect:` lines.
@Suite struct SampleBuildTests {
    @Test func helloBusybox() async throws {
        let store = try BuildFixtures.store()
        let result = try await BuildFixtures.build(try BuildFixtures.sample("hello-busybox"), in: store, tag: "hello")
        // expect: running the image prints "hello from ree"
        #expect(try await BuildFixtures.run("hello", in: store).output == "hello from ree\n")
        // expect: /var/lib/hello/message contains "hello from ree"
        #expect(try await BuildFixtures.run("hello", in: store, ["cat", "/var/lib/hello/message"]).output == "hello from ree\n")
        #expect(result.config.config?.cmd == ["/app/greet.sh"])
        #expect(result.config.config?.workingDir == "/app")
        #expect(result.config.config?.env?.contains("GREETING=hello from ree") == true)
    }

    @Test func dockerfileSyntax() async throws {
        let store = try BuildFixtures.store()
        let result = try await BuildFixtures.build(try BuildFixtures.sample("dockerfile-syntax"), in: store, tag: "syntax")
        let sh = { (script: String) async throws -> String in
            try await BuildFixtures.run("syntax", in: store, ["sh", "-c", script], entrypoint: []).output
        }
        // expect: /opt/app/data/info.txt holds three lines
        #expect(try await sh("cat /opt/app/data/info.txt") == "base=busybox version=1.2.3\njson-form\ncontinuedline\n")
        // expect: /tmp/uid contains 1000 and is owned by uid 1000
        #expect(try await sh("cat /tmp/uid; stat -c %u /tmp/uid") == "1000\n1000\n")
        // expect: /etc/app/config.ini holds the two heredoc lines
        #expect(try await sh("cat /etc/app/config.ini") == "[app]\nhome = /opt/app\n")
        // expect: keep.txt exists; nothing from ignored/ and no *.log file is in the image
        #expect(try await sh("test -f /opt/app/data/src/keep.txt && echo yes") == "yes\n")
        #expect(try await sh("find / -xdev \\( -name '*.log' -o -name ignored -o -name secret.txt \\) 2>/dev/null") == "")
        // expect: the config
        let c = try #require(result.config.config)
        #expect(c.user == "root")
        #expect(c.exposedPorts == ["8080/tcp": EmptyObject()])
        #expect(c.volumes == ["/var/data": EmptyObject()])
        #expect(c.stopSignal == "SIGTERM")
        #expect(c.workingDir == "/opt/app/data")
        // expect: labels
        #expect(c.labels?["org.opencontainers.image.title"] == "syntax sample")
        #expect(c.labels?["org.opencontainers.image.version"] == "1.2.3")
        // The default command prints the file through ENTRYPOINT + CMD.
        #expect(try await BuildFixtures.run("syntax", in: store).output.hasPrefix("base=busybox"))
    }

    @Test(arguments: ["hello-busybox", "dockerfile-syntax"])
    func buildsAreReproducibleWithoutCacheAndAcrossHomes(sample: String) async throws {
        let a = try BuildFixtures.store(), b = try BuildFixtures.store()
        let context = try BuildFixtures.sample(sample)
        let first = try await BuildFixtures.build(context, in: a, tag: "x")
        let again = try await BuildFixtures.build(context, in: a, tag: "y") { $0.noCache = true }
        let elsewhere = try await BuildFixtures.build(context, in: b, tag: "x")
        #expect(first.image.manifest.digest == again.image.manifest.digest)
        #expect(first.image.manifest.digest == elsewhere.image.manifest.digest)
        #expect(again.cachedSteps == 0)
        let cached = try await BuildFixtures.build(context, in: a, tag: "z")
        #expect(cached.image.manifest.digest == first.image.manifest.digest)
        #expect(cached.cachedSteps > 0)
    }

    @Test func sourceDateEpochSetsCreatedAndClampsTimes() async throws {
        let store = try BuildFixtures.store()
        let result = try await BuildFixtures.build(try BuildFixtures.sample("hello-busybox"), in: store, tag: "dated") {
            $0.sourceDateEpoch = 1_700_000_000
        }
        #expect(result.config.created == "2023-11-14T22:13:20Z")
        #expect(result.config.history?.allSatisfy { $0.created == "2023-11-14T22:13:20Z" } == true)
        let out = try await BuildFixtures.run("dated", in: store, ["sh", "-c", "stat -c %Y /app/greet.sh /var/lib/hello/message; echo $SOURCE_DATE_EPOCH"])
        for line in out.output.split(separator: "\n").prefix(2) { #expect(Int(line)! <= 1_700_000_000) }
    }
}
