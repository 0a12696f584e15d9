/// The image configuration blob: what runs, with which environment, and the layers' diff ids.
public struct ImageConfig: Hashable, Sendable, Codable {
    public var created: String?
    public var author: String?
    public var architecture: String
    public var os: String
    public var variant: String?
    public var config: ContainerConfig?
    public var rootfs: RootFS
    public var history: [History]?

    public init(architecture: String = "amd64", os: String = "linux", config: ContainerConfig? = ContainerConfig(), rootfs: RootFS = RootFS(diffIDs: []), history: [History]? = []) {
        self.architecture = architecture
        self.os = os
        self.config = config
        self.rootfs = rootfs
        self.history = history
    }

    public struct RootFS: Hashable, Sendable, Codable {
        public var type: String
        public var diffIDs: [Digest]
        enum CodingKeys: String, CodingKey { case type, diffIDs = "diff_ids" }
        public init(diffIDs: [Digest]) {
            type = "layers"
            self.diffIDs = diffIDs
        }
    }

    public struct History: Hashable, Sendable, Codable {
        public var created: String?
        public var createdBy: String?
        public var author: String?
        public var comment: String?
        public var emptyLayer: Bool?
        enum CodingKeys: String, CodingKey {
            case created, author, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }
        public init(created: String? = nil, createdBy: String? = nil, comment: String? = nil, emptyLayer: Bool? = nil) {
            self.created = created
            self.createdBy = createdBy
            self.comment = comment
            self.emptyLayer = emptyLayer
        }
    }
}

/// The `config` member of an image configuration (Docker's capitalised keys).
public struct ContainerConfig: Hashable, Sendable, Codable {
    public var user: String?
    public var exposedPorts: [String: EmptyObject]?
    public var env: [String]?
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var volumes: [String: EmptyObject]?
    public var workingDir: String?
    public var labels: [String: String]?
    public var stopSignal: String?
    public var argsEscaped: Bool?
    public var healthcheck: Healthcheck?
    public var onBuild: [String]?
    public var shell: [String]?

    enum CodingKeys: String, CodingKey {
        case user = "User", exposedPorts = "ExposedPorts", env = "Env", entrypoint = "Entrypoint", cmd = "Cmd"
        case volumes = "Volumes", workingDir = "WorkingDir", labels = "Labels", stopSignal = "StopSignal"
        case argsEscaped = "ArgsEscaped", healthcheck = "Healthcheck", onBuild = "OnBuild", shell = "Shell"
    }

    public init() {}

    /// The value of `name` in `env`, if set.
    public func environmentValue(_ name: String) -> String? {
        for item in env ?? [] where item.hasPrefix(name + "=") { return String(item.dropFirst(name.count + 1)) }
        return nil
    }
}

/// Docker's healthcheck settings (durations in nanoseconds).
public struct Healthcheck: Hashable, Sendable, Codable {
    public var test: [String]?
    public var interval: Int64?
    public var timeout: Int64?
    public var startPeriod: Int64?
    public var startInterval: Int64?
    public var retries: Int?
    enum CodingKeys: String, CodingKey {
        case test = "Test", interval = "Interval", timeout = "Timeout", startPeriod = "StartPeriod"
        case startInterval = "StartInterval", retries = "Retries"
    }
    public init(test: [String]?) { self.test = test }
}

/// `{}` in JSON, as in `"ExposedPorts": {"80/tcp": {}}`.
public struct EmptyObject: Hashable, Sendable, Codable {
    public init() {}
    public init(from decoder: Decoder) throws { _ = try decoder.container(keyedBy: NoKeys.self) }
    public func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: NoKeys.self) }
    private enum NoKeys: CodingKey {}
}
