import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeSandbox
import ReeTestSupport
import Synchronization
import Testing

/// Base images bootstrapped once per test process with the `ree` binary, and fresh stores that
/// import them; define/build helpers for the recording strategy.
enum RecordingFixtures {
    private static let bootstrapped = Mutex<[String: String]>([:])

    /// A home holding `image`, bootstrapped on first use (serialised: bootstraps are heavy).
    static func home(for image: String) throws -> String {
        try bootstrapped.withLock { homes in
            if let home = homes[image] { return home }
            let home = try makeTemporaryDirectory(prefix: "ree-base-\(image)")
            try ReeBinary.check(["image", "bootstrap", image], home: home)
            homes[image] = home
            return home
        }
    }

    /// A fresh store with `images` imported (same digests as the bootstrapped ones).
    static func store(with images: [String]) throws -> ImageStore {
        try Requirements.root()
        try Requirements.tool("mmdebstrap")
        let store = try ImageStore(home: makeTemporaryDirectory(prefix: "ree-rec"))
        for image in images {
            let shared = try ImageStore(home: try home(for: image))
            let tar = store.home + "/\(image).tar"
            try shared.exportArchive(image, toPath: tar)
            try store.importArchive(tar, name: ImageName(image))
            unlink(tar)
        }
        return store
    }

    static func define(_ project: String, in store: ImageStore, output: String, configure: (inout RecordingDefiner.Options) -> Void = { _ in }) async throws -> RecordingDefinition {
        var options = RecordingDefiner.Options(project: project, output: output)
        configure(&options)
        let lines = Mutex<[String]>([])
        do {
            return try await RecordingDefiner(store: store, options: options, log: BuildLog { l in lines.withLock { $0.append(l) } }).define()
        } catch {
            print(lines.withLock { $0.joined(separator: "\n") })
            throw error
        }
    }

    static func build(_ ree: String, in store: ImageStore, output: String, configure: (inout RecordingReplayer.Options) -> Void = { _ in }) async throws -> (RecordingReport, [String]) {
        var options = RecordingReplayer.Options(ree: ree, output: output)
        configure(&options)
        let lines = Mutex<[String]>([])
        do {
            let report = try await RecordingReplayer(store: store, options: options, log: BuildLog { l in lines.withLock { $0.append(l) } }).build()
            return (report, lines.withLock { $0 })
        } catch {
            print(lines.withLock { $0.joined(separator: "\n") })
            throw error
        }
    }

    /// Rewrites a ZIP with python's zipfile: `edit` is Python code run with `name` and `data` (bytes) per
    /// entry, which may set `name` to None (drop), change `data`, or append to `extra` [(name, data)].
    static func rewriteZip(_ source: String, to destination: String, edit: String) throws {
        let script = """
            import sys, zipfile, gzip, json, hashlib
            src, dst = sys.argv[1], sys.argv[2]
            extra = []
            with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
                entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
                out = []
                for name, data in entries:
            \(edit.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
                    if name is not None: out.append((name, data))
                for name, data in out + extra: zout.writestr(name, data)
            """
        let r = try Shell.run(["python3", "-c", script, source, destination])
        if !r.succeeded { throw ReeError(.system, "rewrite zip: \(r.stderr)") }
    }

    static func readZipEntry(_ zip: String, _ name: String) throws -> String {
        let r = try Shell.run(["python3", "-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", zip, name])
        if !r.succeeded { throw ReeError(.system, "read \(name) from \(zip): \(r.stderr)") }
        return r.stdout
    }
}
