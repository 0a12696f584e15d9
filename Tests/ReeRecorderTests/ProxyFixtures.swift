import Foundation
import ReeOS
import ReeRecorder
import ReeTestSupport
import Synchronization
import Testing

/// Local servers and a proxy under test, all on 127.0.0.1.
enum ProxyFixtures {
    /// A directory served by `python3 -m http.server` (or over TLS with `cert`); returns the port and process.
    static func startServer(directory: String, tls: (cert: String, key: String)? = nil) throws -> (port: UInt16, process: Process) {
        try Requirements.tool("python3")
        let script = """
            import http.server, ssl, sys, functools, socketserver
            class Handler(http.server.SimpleHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def log_message(self, *a): pass
            handler = functools.partial(Handler, directory=sys.argv[1])
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            if len(sys.argv) > 3:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(sys.argv[2], sys.argv[3])
                httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
            print(httpd.server_address[1], flush=True)
            httpd.serve_forever()
            """
        return try ScriptServer.start(script, arguments: [directory] + (tls.map { [$0.cert, $0.key] } ?? []))
    }

    /// SIGKILL: the test runner's blocked signal mask is inherited, so SIGTERM would be ignored.
    static func stop(_ process: Process) { ScriptServer.stop(process) }

    /// A self-signed server certificate for 127.0.0.1 and localhost, made with the openssl tool.
    static func serverCertificate(in dir: String) throws -> (cert: String, key: String) {
        try Requirements.tool("openssl")
        let cert = dir + "/server.crt", key = dir + "/server.key"
        let r = try Shell.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                               "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                               "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        guard r.succeeded else { throw ReeError(.system, "openssl: \(r.stderr)") }
        return (cert, key)
    }

    /// A port on 127.0.0.1 where nothing listens.
    static func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        close(fd)
        return UInt16(bigEndian: addr.sin_port)
    }

    /// `curl` through the proxy: (status code, body).
    static func curl(_ url: String, proxy: UInt16, caFile: String? = nil, output: String = "-") throws -> (status: Int, body: String) {
        try Requirements.tool("curl")
        var args = ["curl", "-sS", "--proxy", "http://127.0.0.1:\(proxy)", "-o", output, "-w", "\n%{http_code}"]
        if let caFile { args += ["--cacert", caFile] }
        let r = try Shell.run(args + [url], environment: ["no_proxy": "", "NO_PROXY": ""])
        var out = r.stdout
        guard let nl = out.lastIndex(of: "\n") else { return (0, out) }
        let status = Int(out[out.index(after: nl)...]) ?? 0
        out = String(out[..<nl])
        return (status, out)
    }

    static func lines() -> (BuildLines, @Sendable (String) -> Void) {
        let l = BuildLines()
        return (l, { line in l.append(line) })
    }
}

final class BuildLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ s: String) { storage.withLock { $0.append(s) } }
    var all: [String] { storage.withLock { $0 } }
}

/// What the proxy tests go through: one directory of files served over HTTP and over HTTPS (a
/// self-signed certificate the upstream side trusts), a port where nothing listens, and the proxy's
/// interception CA written where curl can trust it. `stop()` ends both servers.
final class ProxySites {
    let dir: String
    let http: String
    let https: String
    let refused: UInt16
    let ca: CertificateAuthority
    let caFile: String
    let upstream: UpstreamConfiguration
    private let servers: [Process]

    init(files: [String: [UInt8]], prefix: String) throws {
        dir = try makeTemporaryDirectory(prefix: prefix)
        let site = dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: site + "/" + name)) }
        let server = try ProxyFixtures.startServer(directory: site)
        let certificate = try ProxyFixtures.serverCertificate(in: dir)
        let tlsServer = try ProxyFixtures.startServer(directory: site, tls: certificate)
        servers = [server.process, tlsServer.process]
        http = "http://127.0.0.1:\(server.port)"
        https = "https://127.0.0.1:\(tlsServer.port)"
        refused = ProxyFixtures.closedPort()
        ca = try CertificateAuthority.generate()
        caFile = dir + "/ca.crt"
        try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        var upstream = UpstreamConfiguration()
        upstream.caFile = certificate.cert
        self.upstream = upstream
    }

    func stop() {
        for server in servers { ProxyFixtures.stop(server) }
    }
}
