import Foundation
import Testing

/// Checks for what a test needs (a tool, root, user namespaces). Outside CI a missing requirement
/// skips the test with a printed reason; with `CI=true` it fails it, because CI installs everything.
public enum Requirements {
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static func missing(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if isCI {
            Issue.record("requirement missing in CI: \(reason)", sourceLocation: sourceLocation)
            throw RequirementError(reason: reason)
        }
        print("skipped: \(reason)")
        try Test.cancel(Comment(rawValue: reason), sourceLocation: sourceLocation)
    }

    /// The absolute path of `name` on PATH, or a skip/failure.
    @discardableResult
    public static func tool(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if let path = which(name) { return path }
        try missing("needs the tool '\(name)' on PATH", sourceLocation: sourceLocation)
        return name
    }

    public static func root(sourceLocation: SourceLocation = #_sourceLocation) throws {
        if getuid() != 0 { try missing("needs root", sourceLocation: sourceLocation) }
    }

    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

public struct RequirementError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "requirement missing: \(reason)" }
}
