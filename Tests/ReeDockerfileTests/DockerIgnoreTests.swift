import Testing

@testable import ReeDockerfile

@Suite(".dockerignore matching")
struct DockerIgnoreTests {
    @Test(
        "patterns",
        arguments: [
            ("**/*.log", "a.log", true),
            ("**/*.log", "dir/sub/a.log", true),
            ("**/*.log", "a.txt", false),
            ("*.log", "dir/a.log", false),
            ("ignored/", "ignored", true),
            ("ignored/", "ignored/file.txt", true),
            ("ignored/", "src/ignored/file.txt", false),
            ("/ignored", "ignored/x", true),
            ("./a/../b", "b/c", true),
            ("a/*/c", "a/b/c", true),
            ("a/*/c", "a/b/x/c", false),
            ("a/**/c", "a/c", true),
            ("a/**/c", "a/b/x/c", true),
            ("a/**", "a/b", true),
            ("a/**", "a", false),
            ("**", "anything/at/all", true),
            ("doc?.md", "doc1.md", true),
            ("doc?.md", "doc10.md", false),
            ("[abc].txt", "b.txt", true),
            ("[a-c].txt", "d.txt", false),
            ("[^a-c].txt", "d.txt", true),
            ("\\*.txt", "*.txt", true),
            ("\\*.txt", "a.txt", false),
            ("file.(x)", "file.(x)", true),
            ("**/node_modules", "node_modules/x/y", true),
            ("**/node_modules", "pkg/node_modules/x", true),
            (".git", ".git/HEAD", true),
            ("*", "a/b", true),
            ("  spaced  ", "spaced", true),
        ])
    func match(pattern: String, path: String, excluded: Bool) throws {
        let ignore = try DockerIgnore(text: pattern)
        #expect(ignore.isExcluded(path) == excluded)
    }

    @Test("exceptions: later lines win")
    func exceptions() throws {
        let ignore = try DockerIgnore(text: "*.md\n!README.md\nREADME-secret.md\n!docs/**\n")
        #expect(ignore.isExcluded("CHANGELOG.md"))
        #expect(!ignore.isExcluded("README.md"))
        #expect(ignore.isExcluded("README-secret.md"))
        let reversed = try DockerIgnore(text: "!README.md\n*.md\n")
        #expect(reversed.isExcluded("README.md"))
    }

    @Test("an exception under an excluded directory re-includes it, and the walker must descend")
    func exceptionUnderExcludedDirectory() throws {
        let ignore = try DockerIgnore(text: "ignored/\n!ignored/keep.txt\nbuild\n!build/out/**/*.bin\nvendor\n")
        #expect(ignore.isExcluded("ignored"))
        #expect(ignore.isExcluded("ignored/other.txt"))
        #expect(!ignore.isExcluded("ignored/keep.txt"))
        #expect(ignore.mayContainIncludedPaths("ignored"))
        #expect(ignore.shouldDescend(into: "ignored"))
        #expect(ignore.mayContainIncludedPaths("build"))
        #expect(ignore.mayContainIncludedPaths("build/out/x"))
        #expect(!ignore.mayContainIncludedPaths("build/tmp"))
        #expect(!ignore.isExcluded("build/out/a/b.bin"))
        #expect(ignore.isExcluded("build/out/a/b.txt"))
        #expect(!ignore.mayContainIncludedPaths("vendor"))
        #expect(!ignore.shouldDescend(into: "vendor"))
        #expect(ignore.shouldDescend(into: "src"))
        #expect(ignore.hasExceptions)
    }

    @Test("comments, blank lines, BOM, CRLF")
    func fileSyntax() throws {
        let ignore = try DockerIgnore(text: "\u{FEFF}# comment\r\n\r\n*.tmp\r\n #not-a-comment\r\n")
        #expect(ignore.patterns.map(\.text) == ["*.tmp", "#not-a-comment"])
        #expect(ignore.isExcluded("x.tmp"))
        #expect(ignore.isExcluded("#not-a-comment"))
        #expect(!ignore.isExcluded("# comment"))
    }

    @Test("paths are cleaned before matching; the root is never excluded")
    func pathCleaning() throws {
        let ignore = try DockerIgnore(text: "a/b\n*\n")
        #expect(ignore.isExcluded("./a/b"))
        #expect(ignore.isExcluded("/a//b/"))
        #expect(!ignore.isExcluded("."))
        #expect(PathCleaning.clean("a/../../b/./c//") == "../b/c")
        #expect(PathCleaning.clean("/../a") == "/a")
        #expect(PathCleaning.clean("") == ".")
    }

    @Test("malformed patterns are errors with the line", arguments: ["x\n[abc", "x\n!", "x\nab\\", "x\n[]", "x\n[z-a]"])
    func malformed(text: String) {
        #expect(throws: DockerfileError.self) { try DockerIgnore(text: text) }
        do {
            _ = try DockerIgnore(text: text)
        } catch {
            #expect(error.line == 2)
        }
    }

    @Test("the dockerfile-syntax sample's .dockerignore")
    func sample() throws {
        let ignore = try DockerIgnore(text: "ignored/\n**/*.log\n")
        #expect(ignore.isExcluded("ignored/secret.txt"))
        #expect(ignore.isExcluded("src/debug.log"))
        #expect(!ignore.isExcluded("src/keep.txt"))
        #expect(!ignore.isExcluded("Dockerfile"))
        #expect(!ignore.shouldDescend(into: "ignored"))
    }
}
