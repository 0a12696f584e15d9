import ReeArchive
import ReeOCI
import ReeSandbox

/// What to build and how: the inputs of `ree build` and of the REE processes.
public struct BuildOptions: Sendable {
    /// The build context: a directory, read only through descriptors resolved inside it.
    public var contextDirectory: String
    /// The Dockerfile, relative to the context (default `Dockerfile`).
    public var dockerfile: String = "Dockerfile"
    /// The name to store the image under; nothing is stored under it unless the whole build succeeds.
    public var tag: ImageName?
    public var buildArguments: [String: String] = [:]
    /// The stage to build (default: the last).
    public var target: String?
    public var noCache = false
    /// Clamps every mtime and sets `created`; also in each RUN step's environment. Default 0.
    public var sourceDateEpoch: Int64 = 0
    public var userNamespace: SandboxConfiguration.UserNamespaceMode = .auto
    public var compression: ArchiveCompression = .gzip(level: 6)
    /// A RUN step running longer is killed with everything it started.
    public var stepTimeout: Duration = .seconds(3600)
    /// Hooks for the recorder: what a RUN step gets for network (a listening socket, env, mounts),
    /// and the proxy the builder's own downloads (`ADD <URL>`) go through.
    public var network: (any StepNetwork)?
    /// The largest body `ADD <URL>` downloads (to a file under `$REE_HOME/tmp`, never to memory).
    public var downloadLimit: Int64 = 8 << 30

    public init(contextDirectory: String) { self.contextDirectory = contextDirectory }
}

/// What a RUN step gets to reach the network: the recorder's proxy, or nothing.
public protocol StepNetwork: Sendable {
    /// The port on 127.0.0.1 inside the sandbox where the proxy is served.
    var port: UInt16 { get }
    /// Environment for the step only (proxy variables, CA bundle paths).
    func environment() -> [String]
    /// Bind mounts for the step only (CA bundle, apt configuration).
    func mounts(lowerLayersTopFirst: [String]) throws -> [SandboxConfiguration.Mount]
    /// Called with the listening socket made inside the sandbox; serves it until the step ends.
    func serve(listener: Int32, step: String)
    /// Called when the step has ended: stop serving and close the socket.
    func stepEnded(step: String) async
    /// A description for cache keys: a change of network mode is a different step.
    var cacheKey: String { get }
    /// For a step the builder fetches itself (`ADD <URL>`): starts serving the proxy on the host and
    /// says how to reach it; `stepEnded(step:)` follows when the downloads are done. nil: the builder
    /// fetches directly, as it does without a network.
    func hostProxy(step: String) throws -> HostProxy?
}

extension StepNetwork {
    /// Networks that do not route builder downloads leave them direct.
    public func hostProxy(step: String) throws -> HostProxy? { nil }
}
