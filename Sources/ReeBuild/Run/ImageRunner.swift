import ReeLayers
import ReeOCI
import ReeOS
import ReeSandbox

/// Runs a command in a stored image: the image's layers (unpacked once, cached) are the overlay's
/// lower directories, a temporary upper directory takes the changes and is thrown away.
public struct ImageRunner: Sendable {
    public let store: ImageStore

    public init(store: ImageStore) { self.store = store }

    public struct Options: Sendable {
        /// Replaces the image's `Cmd` (arguments to its `Entrypoint`, as `docker run IMAGE ARGS` does).
        public var command: [String] = []
        /// Replaces the image's `Entrypoint` when set (an empty array clears it).
        public var entrypoint: [String]?
        /// `K=V` added to (or replacing in) the image's `Env`.
        public var environment: [String] = []
        public var workingDirectory: String?
        public var user: String?
        public var userNamespace: SandboxConfiguration.UserNamespaceMode = .auto
        public var timeout: Duration?
        public var mounts: [SandboxConfiguration.Mount] = []
        public init() {}
    }

    public func run(_ name: String, options: Options, output: SandboxOutput) async throws -> SandboxResult {
        let image = try store.resolve(name)
        let config = try store.config(of: store.manifest(of: image)).config ?? ContainerConfig()
        let layers = try LayerCache(store: store, ownership: LayerCache.ownership(singleIDMode: options.userNamespace == .single)).unpackedLayers(of: image)

        let entrypoint = options.entrypoint ?? config.entrypoint ?? []
        let command = options.command.isEmpty ? (options.entrypoint == nil ? (config.cmd ?? []) : []) : options.command
        let argv = entrypoint + command
        guard !argv.isEmpty else {
            throw ReeError(.invalidInput, "failed to run '\(name)': no command given and the image has no Cmd or Entrypoint")
        }
        let user = try UserSpec.resolve(options.user ?? config.user ?? "", lowerLayersTopFirst: layers.reversed())

        let scratch = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "run-")
        defer { try? FileSystem.removeTree(scratch) }
        try FileSystem.createDirectory(scratch + "/upper")
        try FileSystem.createDirectory(scratch + "/work")

        var sandbox = SandboxConfiguration(root: .overlay(lower: layers.reversed(), upper: scratch + "/upper", work: scratch + "/work"),
                                           argv: argv)
        sandbox.environment = Environment.merge(config.env ?? [], options.environment)
        sandbox.workingDirectory = options.workingDirectory ?? config.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        sandbox.uid = user.uid
        sandbox.gid = user.gid
        sandbox.supplementaryGroups = user.groups
        sandbox.userNamespace = options.userNamespace
        sandbox.limits.timeout = options.timeout
        sandbox.mounts = options.mounts
        do {
            return try await Sandbox.run(sandbox, output: output)
        } catch let error as ReeError where error.code == .unsupported && error.message.contains("overlay") {
            // No overlayfs here: run in a flattened copy instead (slower, same result).
            let tree = scratch + "/tree"
            try RootfsCopy.flatten(image: image, store: store, into: tree)
            sandbox.root = .directory(tree)
            return try await Sandbox.run(sandbox, output: output)
        }
    }
}

/// `K=V` lists as images and Dockerfiles use them: later values replace earlier ones, order kept.
public enum Environment {
    public static func merge(_ base: [String], _ overrides: [String]) -> [String] {
        var result = base
        for item in overrides {
            let key = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? item
            if let i = result.firstIndex(where: { $0 == key || $0.hasPrefix(key + "=") }) {
                result[i] = item
            } else {
                result.append(item)
            }
        }
        return result
    }
}
