import Foundation
import ReeOS
import ReeRecorder
import ReeSandbox

/// The recording and SBOM strategies' `StepNetwork`: each RUN step with network reaches only the
/// proxy (recording, replaying or passing through) on 127.0.0.1:3128 inside its network namespace,
/// trusts the proxy's CA for that step only, and gets an apt configuration that survives expired Release files.
/// Nothing of it lands in a layer or the image config: it is environment and bind mounts.
public final class RecordingNetwork: StepNetwork, @unchecked Sendable {
    public let proxy: RecordingProxy
    public let authority: CertificateAuthority
    /// Where the per-step CA bundles and apt configuration are written.
    private let scratch: String
    private let counter = Counter()
    public let port: UInt16 = 3128

    /// The bundle every TLS client is pointed at: the image's bundle plus the recording's CA.
    public static let bundlePath = "/etc/ssl/ree-recording/ca-bundle.crt"
    /// The image's own bundle, overlaid with the same file where it exists.
    public static let imageBundlePath = "/etc/ssl/certs/ca-certificates.crt"
    /// What apt gets during define and build alike (so the image is the same).
    public static let aptConfiguration = """
        // ree recording: set for this step only, never in the image.
        Acquire::Check-Valid-Until "false";
        Acquire::Max-FutureTime "2147483647";

        """

    public init(proxy: RecordingProxy, authority: CertificateAuthority, scratch: String) throws {
        self.proxy = proxy
        self.authority = authority
        self.scratch = scratch
        try FileSystem.createDirectory(scratch)
    }

    public var cacheKey: String { "recording" }

    public func environment() -> [String] {
        let url = "http://127.0.0.1:\(port)"
        var env: [String] = []
        for name in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"] { env.append("\(name)=\(url)") }
        env.append("no_proxy=")
        env.append("NO_PROXY=")
        for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO"] {
            env.append("\(name)=\(Self.bundlePath)")
        }
        return env
    }

    public func mounts(lowerLayersTopFirst: [String]) throws -> [SandboxConfiguration.Mount] {
        let n = counter.next()
        // The sandbox makes mountpoints in a stub layer, so targets need not exist in the image and
        // nothing of them reaches the step's layer.
        var bundle: [UInt8] = []
        if let image = Self.find(String(Self.imageBundlePath.dropFirst()), in: lowerLayersTopFirst) {
            var st = stat()
            if lstat(image, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG {
                bundle = try FileSystem.readFile(image, limit: 16 << 20)
                if bundle.last != 10 && !bundle.isEmpty { bundle.append(10) }
            }
        }
        let hasImageBundle = !bundle.isEmpty
        bundle += Array(authority.certificatePEM.utf8)
        let bundleFile = scratch + "/ca-bundle-\(n).crt"
        try FileSystem.writeAtomically(bundleFile, bundle, mode: 0o644)
        var mounts: [SandboxConfiguration.Mount] = [.init(source: bundleFile, target: Self.bundlePath, readOnly: true)]
        if hasImageBundle {
            // Tools that ignore the variables read the image's bundle: it gets the CA too.
            mounts.append(.init(source: bundleFile, target: Self.imageBundlePath, readOnly: true))
        }
        if Self.find("etc/apt/apt.conf.d", in: lowerLayersTopFirst) != nil {
            // One file added to apt.conf.d (the sandbox's own apt setting there stays visible).
            let file = scratch + "/apt-\(n).conf"
            try FileSystem.writeAtomically(file, Array(Self.aptConfiguration.utf8), mode: 0o644)
            mounts.append(.init(source: file, target: "/etc/apt/apt.conf.d/99ree-recording", readOnly: true))
        }
        return mounts
    }

    /// ADD <URL>: the builder fetches through the same proxy, listening on the host's loopback for
    /// the step, so the download is recorded at define and replayed at build like a RUN's. Only the
    /// recording's CA is trusted: every https:// answer through the proxy is signed by it.
    public func hostProxy(step: String) throws -> HostProxy? {
        let caFile = scratch + "/host-ca-\(counter.next()).crt"
        try FileSystem.writeAtomically(caFile, Array(authority.certificatePEM.utf8), mode: 0o644)
        let port = try proxy.listen(port: 0, step: step)
        return HostProxy(url: "http://127.0.0.1:\(port)", caFile: caFile)
    }

    public func serve(listener: Int32, step: String) {
        proxy.serve(listener: listener, step: step)
    }

    public func stepEnded(step: String) async {
        await proxy.stop()
    }

    /// The host path of `relative` in the topmost layer that has it (nil when a whiteout hides it).
    static func find(_ relative: String, in layersTopFirst: [String]) -> String? {
        let name = FileSystem.lastComponent(of: relative)
        let parent = relative.contains("/") ? FileSystem.parent(of: relative) : ""
        for layer in layersTopFirst {
            let path = layer + "/" + relative
            var st = stat()
            if lstat(path, &st) == 0 { return path }
            if FileSystem.exists(layer + "/" + parent + "/.wh." + name) { return nil }
        }
        return nil
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
