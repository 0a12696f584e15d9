import Foundation

/// The `ree` executable that `swift test` built next to the test bundle.
public enum ReeBinary {
    public static var path: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("ree").path
    }

    /// Runs `ree` with `REE_HOME=home` and the repository's recipes.
    @discardableResult
    public static func run(_ arguments: [String], home: String, environment: [String: String] = [:]) throws -> ShellResult {
        var env = ["REE_HOME": home, "REE_RECIPES": repositoryRoot + "/rootfs"]
        env.merge(environment) { $1 }
        return try Shell.run([path] + arguments, environment: env)
    }

    /// Runs `ree` and requires exit status 0.
    @discardableResult
    public static func check(_ arguments: [String], home: String, environment: [String: String] = [:]) throws -> String {
        let r = try run(arguments, home: home, environment: environment)
        guard r.succeeded else {
            throw ShellError(description: "ree \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        }
        return r.stdout
    }
}
