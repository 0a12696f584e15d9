import CReeProxy
import ReeOS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The CA the proxy signs its per-host certificates with: made once per REE definition and stored
/// in it, so define and build present the same trust anchor.
public struct CertificateAuthority: Sendable, Equatable {
    public let certificatePEM: String
    public let privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// A new EC P-256 CA.
    public static func generate(name: String = "ree recording CA") throws -> CertificateAuthority {
        var cert: UnsafeMutablePointer<CChar>?
        var key: UnsafeMutablePointer<CChar>?
        var err = [CChar](repeating: 0, count: 512)
        guard ree_tls_make_ca(name, &cert, &key, &err, err.count) == 0, let cert, let key else {
            throw ReeError(.system, String(cString: err))
        }
        defer { free(cert); free(key) }
        return CertificateAuthority(certificatePEM: String(cString: cert), privateKeyPEM: String(cString: key))
    }
}

/// Server TLS contexts with leaf certificates per host, made on first use and cached.
final class Interceptor: @unchecked Sendable {
    private let authority: OpaquePointer
    private let contexts = Mutex<[String: UnsafeMutableRawPointer]>([:])

    init(_ ca: CertificateAuthority) throws {
        var err = [CChar](repeating: 0, count: 512)
        guard let a = ree_tls_authority_new(ca.certificatePEM, ca.privateKeyPEM, &err, err.count) else {
            throw ReeError(.invalidInput, String(cString: err))
        }
        authority = a
    }

    deinit {
        for (_, ctx) in contexts.withLock({ $0 }) { ree_tls_context_free(ctx) }
        ree_tls_authority_free(authority)
    }

    /// TLS accepted on `fd` with a certificate for `host`.
    func accept(fd: Int32, host: String) throws -> TLSStream {
        var err = [CChar](repeating: 0, count: 512)
        let ctx = try contexts.withLock { cache -> UnsafeMutableRawPointer in
            if let c = cache[host] { return c }
            guard let c = ree_tls_server_context(authority, host, &err, err.count) else {
                throw ReeError(.system, String(cString: err))
            }
            cache[host] = c
            return c
        }
        guard let ssl = ree_tls_accept(ctx, fd, &err, err.count) else {
            throw ReeError(.system, "\(String(cString: err)) for \(host)")
        }
        return TLSStream(ssl: ssl)
    }
}
