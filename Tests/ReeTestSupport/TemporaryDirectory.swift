import Foundation

/// A fresh directory under the system temp dir, removed when the body returns.
public func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try await body(dir)
}

/// A fresh directory under this test process's scratch root (removed when the process exits).
public func makeTemporaryDirectory(prefix: String = "ree-test") throws -> String {
    var template = Array("\(try TestScratch.root)/\(prefix).XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { throw ShellError(description: "mkdtemp failed in \(try TestScratch.root)") }
    return String(cString: p)
}

/// One directory per test process that holds every temporary directory the tests make: stores with
/// unpacked images take hundreds of megabytes each, and a suite must not fill the disk of the
/// machine it runs on. Removed at exit; roots left by processes that died are removed at start.
enum TestScratch {
    static let prefix = "ree-tests-"

    static var root: String {
        get throws {
            if let made = made { return made }
            throw ShellError(description: "could not make the tests' scratch directory in \(NSTemporaryDirectory())")
        }
    }

    private static let made: String? = {
        let base = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        removeAbandoned(in: base)
        let path = "\(base)/\(prefix)\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        // Searchable by all: some tests run the sandbox as an unprivileged user over these files.
        guard mkdir(path, 0o755) == 0, chmod(path, 0o755) == 0 else { return nil }
        atexit { TestScratch.removeOwn() }
        return path
    }()

    private static func removeOwn() {
        try? FileManager.default.removeItem(atPath: "\(NSTemporaryDirectory())/\(prefix)\(getpid())")
    }

    /// Roots whose process is gone (a crash, a kill): their pid no longer exists.
    private static func removeAbandoned(in base: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: base + "/" + name) }
        }
    }
}

/// Root of the repository (for samples and rootfs recipes).
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// `../shared/samples` next to the repository, where the project's sample projects live.
public var samplesDirectory: String { "\(repositoryRoot)/../shared/samples" }
