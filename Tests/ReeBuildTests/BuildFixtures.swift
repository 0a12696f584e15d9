import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeSandbox
import ReeTestSupport
import Synchronization
import Testing

/// A store with busybox bootstrapped once per test process, and helpers to build and run.
enum BuildFixtures {
    static let busyboxStore: Result<ImageStore, Error> = Result {
        let store = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-build"))
        try Bootstrapper(store: store, recipesDirectory: repositoryRoot + "/rootfs", log: { _ in }).bootstrap("busybox")
        return store
    }

    /// A fresh store that already has busybox (imported from the shared one: same digest).
    static func store() throws -> ImageStore {
        try Requirements.root()
        try Requirements.tool("apt-get")
        let shared = try busyboxStore.get()
        let store = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-build"))
        let tar = store.home + "/busybox.tar"
        try shared.exportArchive("busybox", toPath: tar)
        try store.importArchive(tar, name: ImageName("busybox"))
        return store
    }

    static func build(_ context: String, in store: ImageStore, tag: String = "built", configure: (inout BuildOptions) -> Void = { _ in }) async throws -> BuildResult {
        var options = BuildOptions(contextDirectory: context)
        options.tag = try ImageName(tag)
        configure(&options)
        let lines = Mutex<[String]>([])
        do {
            return try await Builder(store: store, options: options, log: BuildLog { l in lines.withLock { $0.append(l) } }).build()
        } catch {
            print(lines.withLock { $0.joined(separator: "\n") })
            throw error
        }
    }

    /// Runs `argv` (or the image's default command) in `image`; returns exit code and stdout.
    static func run(_ image: String, in store: ImageStore, _ argv: [String] = [], entrypoint: [String]? = nil) async throws -> (status: Int32, output: String) {
        var options = ImageRunner.Options()
        options.command = argv
        options.entrypoint = entrypoint
        let out = Mutex<[UInt8]>([])
        let result = try await ImageRunner(store: store).run(image, options: options, output: .capture { stream, bytes in
            if stream == .stdout { out.withLock { $0 += bytes } }
        })
        return (result.exitCode ?? -1, String(decoding: out.withLock { $0 }, as: UTF8.self))
    }

    /// Writes a project folder from (relative path, content) pairs.
    static func project(_ files: [String: String]) throws -> String {
        let dir = try makeTemporaryDirectory(prefix: "ree-project")
        for (path, content) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func sample(_ name: String) throws -> String {
        let path = samplesDirectory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            try Requirements.missing("sample '\(name)' not found at \(path)")
            return path
        }
        return path
    }
}
