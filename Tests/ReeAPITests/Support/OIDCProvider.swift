import Foundation
import ReeTestSupport
import ReeServiceTestSupport
import Testing

/// OIDC providers for tests, both real processes on loopback:
/// - `forged`: our own discovery and JWKS server (Python, `cryptography`) with an RSA and an EC key,
///   which mints good tokens and every kind of bad one;
/// - `mock`: `oidc-provider-mock` from PyPI, a real provider, whose ID tokens come from its
///   authorization-code flow.
final class OIDCProvider: @unchecked Sendable {
    let process: Process
    let stdin: Pipe
    let issuer: String
    let tokens: [String: String]

    private init(process: Process, stdin: Pipe, issuer: String, tokens: [String: String]) {
        self.process = process
        self.stdin = stdin
        self.issuer = issuer
        self.tokens = tokens
    }

    deinit { stop() }

    func stop() {
        // Closing stdin ends the helper's wait; SIGTERM is the fallback. Either way it stops its own children.
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Our own provider; `audience` is what good tokens name.
    static func forged(audience: String) async throws -> OIDCProvider {
        let python = try Requirements.tool("python3")
        let check = try Shell.run([python, "-c", "import cryptography"])
        if !check.succeeded { try Requirements.missing("needs the Python package 'cryptography'") }
        let script = try writeScript()
        let (process, stdin, line) = try await BackgroundProcess.start([python, script, "forge", audience])
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        return OIDCProvider(process: process, stdin: stdin, issuer: object["issuer"] as? String ?? "",
                            tokens: object["tokens"] as? [String: String] ?? [:])
    }

    /// `oidc-provider-mock` on a free port.
    static func mock() async throws -> OIDCProvider {
        let python = try Requirements.tool("python3")
        let check = try Shell.run([python, "-c", "import oidc_provider_mock"])
        if !check.succeeded { try Requirements.missing("needs the Python package 'oidc-provider-mock' (scripts/test installs it)") }
        let script = try writeScript()
        let (process, stdin, line) = try await BackgroundProcess.start([python, script, "mock"])
        return OIDCProvider(process: process, stdin: stdin, issuer: line, tokens: [:])
    }

    /// An ID token from the mock provider for `subject`, issued to the client `clientID` (its `aud`).
    func mockIDToken(subject: String, clientID: String) throws -> String {
        let script = try Self.writeScript()
        return try Shell.check(["python3", script, "mock-token", issuer, subject, clientID])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func writeScript() throws -> String {
        let path = try makeTemporaryDirectory(prefix: "ree-oidc") + "/oidc_helper.py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static let script = #"""
import base64, hashlib, hmac, http.server, json, signal, socket, subprocess, sys, threading, time, urllib.parse, urllib.request

# SIGTERM (the test stopping us) unwinds normally, so `finally` blocks stop what we started.
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def forge(audience):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    def num(n, size=None):
        raw = n.to_bytes(size or (n.bit_length() + 7) // 8, "big")
        return b64(raw)
    rn = rsa_key.public_key().public_numbers()
    en = ec_key.public_key().public_numbers()
    jwks = {"keys": [
        {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": num(rn.n), "e": num(rn.e)},
        {"kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256", "x": num(en.x, 32), "y": num(en.y, 32)},
    ]}
    discovery = {"issuer": issuer, "jwks_uri": issuer + "/jwks", "id_token_signing_alg_values_supported": ["RS256", "ES256"]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = {"/.well-known/openid-configuration": discovery, "/jwks": jwks}.get(self.path)
            if body is None:
                self.send_response(404); self.end_headers(); return
            data = json.dumps(body).encode()
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    now = int(time.time())
    def claims(**over):
        c = {"iss": issuer, "aud": audience, "sub": "carol", "iat": now, "exp": now + 600}
        c.update(over)
        return {k: v for k, v in c.items() if v is not None}
    def token(header, payload, sign):
        signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())).encode()
        return signing_input.decode() + "." + b64(sign(signing_input))
    def rs256(key):
        return lambda m: key.sign(m, padding.PKCS1v15(), hashes.SHA256())
    def es256(m):
        r, s = decode_dss_signature(ec_key.sign(m, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    rsa_h = {"alg": "RS256", "typ": "JWT", "kid": "rsa-1"}
    valid = token(rsa_h, claims(), rs256(rsa_key))
    head, body, sig = valid.split(".")
    tampered_body = b64(json.dumps(claims(sub="mallory")).encode())
    tokens = {
        "valid_rs256": valid,
        "valid_es256": token({"alg": "ES256", "typ": "JWT", "kid": "ec-1"}, claims(sub="dave"), es256),
        "valid_audience_list": token(rsa_h, claims(aud=["other", audience]), rs256(rsa_key)),
        "valid_within_leeway": token(rsa_h, claims(exp=now - 20), rs256(rsa_key)),
        "expired": token(rsa_h, claims(exp=now - 3600), rs256(rsa_key)),
        "not_yet_valid": token(rsa_h, claims(nbf=now + 3600), rs256(rsa_key)),
        "wrong_audience": token(rsa_h, claims(aud="someone-else"), rs256(rsa_key)),
        "wrong_issuer": token(rsa_h, claims(iss="http://127.0.0.1:1"), rs256(rsa_key)),
        "no_expiry": token(rsa_h, claims(exp=None), rs256(rsa_key)),
        "alg_none": b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims()).encode()) + ".",
        "hs256_with_public_key": token({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims(),
                                       lambda m: hmac.new(pem, m, hashlib.sha256).digest()),
        "other_key_same_kid": token(rsa_h, claims(), rs256(other_key)),
        "other_key_unknown_kid": token({"alg": "RS256", "typ": "JWT", "kid": "rsa-2"}, claims(), rs256(other_key)),
        "tampered": head + "." + tampered_body + "." + sig,
        "rs256_header_es_key": token({"alg": "RS256", "typ": "JWT", "kid": "ec-1"}, claims(), rs256(other_key)),
        "garbage": "not.a.token",
    }
    print(json.dumps({"issuer": issuer, "tokens": tokens}), flush=True)
    sys.stdin.read()

def mock():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    print(issuer, flush=True)
    try:
        sys.stdin.read()
    finally:
        proc.kill()  # its server does not stop on SIGTERM
        proc.wait()

def mock_token(issuer, sub, client_id):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id,
                                    "redirect_uri": "http://localhost/cb", "scope": "openid"})
    request = urllib.request.Request(issuer + "/oauth2/authorize?" + query,
                                     data=urllib.parse.urlencode({"sub": sub}).encode(), method="POST")
    try:
        opener.open(request)
        raise SystemExit("expected a redirect with a code")
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    data = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost/cb",
                                   "client_id": client_id, "client_secret": "secret"}).encode()
    print(json.load(urllib.request.urlopen(urllib.request.Request(issuer + "/oauth2/token", data=data)))["id_token"])

if __name__ == "__main__":
    {"forge": lambda: forge(sys.argv[2]), "mock": mock,
     "mock-token": lambda: mock_token(sys.argv[2], sys.argv[3], sys.argv[4])}[sys.argv[1]]()
"""#
}

/// A child process whose first line of stdout says it is ready (and what it needs to say).
enum BackgroundProcess {
    static func start(_ argv: [String], environment: [String: String]? = nil) async throws -> (Process, Pipe, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let stdout = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        process.standardError = FileHandle.standardError
        try process.run()
        let line = try await readLine(stdout.fileHandleForReading, timeout: 60)
        return (process, stdin, line)
    }

    /// Reads one line on a thread of its own (the read blocks).
    static func readLine(_ handle: FileHandle, timeout: Double) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                while true {
                    let data = handle.readData(ofLength: 1)
                    if data.isEmpty {
                        continuation.resume(throwing: TestFailure("the process ended before printing a line"))
                        return
                    }
                    if data[0] == 10 { break }
                    bytes.append(data[0])
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }
}
