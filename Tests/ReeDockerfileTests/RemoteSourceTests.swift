import Testing

@testable import ReeDockerfile

@Suite struct RemoteSourceTests {
    @Test("HTTP URLs are named after the last component of their decoded path", arguments: [
        ("https://example.com/dl/tool-1.2.tar.gz", "tool-1.2.tar.gz"),
        ("http://127.0.0.1:8080/a/b.txt?x=1#frag", "b.txt"),
        ("https://example.com/a%20b/c%C3%A9.txt", "cé.txt"),
        ("https://example.com/dir/", "dir"),
        ("https://example.com", "__unnamed__"),
        ("https://example.com/", "__unnamed__"),
        ("https://example.com/?q=1", "__unnamed__"),
        ("HTTPS://EXAMPLE.COM/Up.BIN", "Up.BIN"),
    ])
    func httpURLsAreNamed(_ case_: (String, String)) {
        #expect(RemoteSource(case_.0) == .http(url: case_.0, fileName: case_.1))
    }

    @Test("Git sources are recognised before HTTP", arguments: [
        "git://example.com/repo", "ssh://git@example.com/repo", "git@github.com:moby/buildkit.git",
        "https://github.com/moby/buildkit.git", "https://github.com/moby/buildkit.git#v0.10.1",
    ])
    func gitSources(_ url: String) {
        #expect(RemoteSource(url) == .git(url))
    }

    @Test("Context paths are not remote", arguments: ["app.tar.gz", "./http/x", "dir/https:/x", "/abs"])
    func contextPaths(_ path: String) {
        #expect(RemoteSource(path) == nil)
        #expect(CopySource.path(path).remote == nil)
    }

    @Test func parsedADDSourcesClassify() throws {
        let instruction = try parseInstruction("ADD --checksum=sha256:abc https://example.com/x.tgz local.txt /dest/")
        guard case .add(let add) = instruction.kind else {
            Issue.record("not an ADD: \(instruction.kind)")
            return
        }
        #expect(add.sources.map(\.remote) == [.http(url: "https://example.com/x.tgz", fileName: "x.tgz"), nil])
        #expect(add.checksum == "sha256:abc")
    }

    @Test func linkIsParsedForCOPYAndADD() throws {
        guard case .copy(let copy) = try parseInstruction("COPY --link a /b").kind,
              case .add(let add) = try parseInstruction("ADD --link https://e.com/a /b").kind else {
            Issue.record("not parsed as COPY and ADD")
            return
        }
        #expect(copy.link)
        #expect(add.link)
    }
}
