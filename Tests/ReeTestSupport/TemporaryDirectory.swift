import Foundation

/// A fresh directory under the system temp dir, removed when the body returns.
public func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try await body(dir)
}

public func makeTemporaryDirectory(prefix: String = "ree-test") throws -> String {
    var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { throw ShellError(description: "mkdtemp failed") }
    return String(cString: p)
}

/// Root of the repository (for samples and rootfs recipes).
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// `../shared/samples` next to the repository, where the project's sample projects live.
public var samplesDirectory: String { "\(repositoryRoot)/../shared/samples" }
