import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ReeOS

/// Bearer authentication with tokens from an OpenID Connect provider.
///
/// The provider's discovery document (`<issuer>/.well-known/openid-configuration`) names its
/// JWKS; the keys are cached and fetched again when a token names an unknown `kid` (at most once
/// per `refetchInterval`). Tokens must be RS256 or ES256, signed by one of those keys, issued by
/// `issuer` for `audience`, and within `exp`/`nbf` give or take `leeway`. The subject (`sub`) is the user.
public actor OIDCAuthenticator: Authenticator {
    public struct Configuration: Sendable {
        public var issuer: String
        public var audience: String
        public var leeway: TimeInterval = 60
        public var refetchInterval: Duration = .seconds(30)

        public init(issuer: String, audience: String) {
            self.issuer = issuer
            self.audience = audience
        }
    }

    public nonisolated let challenge = "Bearer realm=\"ree\""
    public nonisolated let configuration: Configuration
    private let logger: Logger
    private let session: URLSession
    private var keys: [JSONWebKey] = []
    private var jwksURL: URL?
    private var lastFetch: ContinuousClock.Instant?

    public init(configuration: Configuration, logger: Logger = Logger(label: "ree.auth.oidc")) throws {
        guard let url = URL(string: configuration.issuer), Self.isAllowed(url) else {
            throw ReeError(.invalidInput, "invalid OIDC issuer '\(configuration.issuer)': use an https URL (http only for localhost)")
        }
        self.configuration = configuration
        self.logger = logger
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = 10
        sessionConfiguration.timeoutIntervalForResource = 20
        session = URLSession(configuration: sessionConfiguration)
    }

    /// https everywhere; plain http only to a loopback host (tests, a provider on the same machine).
    static func isAllowed(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host != nil
        case "http": return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(url.host?.lowercased() ?? "")
        default: return false
        }
    }

    public func authenticate(authorization: String?) async -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let raw = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let verifier = JWTVerifier(issuer: configuration.issuer, audience: configuration.audience, leeway: configuration.leeway)
        do {
            let token = try verifier.parse(raw)
            var candidates = verifier.candidates(for: token, in: keys)
            if candidates.isEmpty, await refreshKeys() {
                candidates = verifier.candidates(for: token, in: keys)
            }
            guard !candidates.isEmpty else { throw ReeError(.notFound, "no key of the provider fits the token") }
            try verifier.verifySignature(token, keys: candidates)
            return try verifier.verifyClaims(token.claims)
        } catch {
            logger.info("bearer token refused", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// Fetches discovery (once) and the JWKS, unless the last fetch was less than `refetchInterval` ago.
    /// Returns whether new keys were loaded.
    private func refreshKeys() async -> Bool {
        let now = ContinuousClock.now
        if let lastFetch, now - lastFetch < configuration.refetchInterval { return false }
        lastFetch = now
        do {
            if jwksURL == nil {
                var base = configuration.issuer
                while base.hasSuffix("/") { base.removeLast() }
                guard let discoveryURL = URL(string: base + "/.well-known/openid-configuration") else {
                    throw ReeError(.invalidInput, "bad issuer URL")
                }
                let document = try await fetchJSON(discoveryURL)
                guard let object = try JSONSerialization.jsonObject(with: document) as? [String: Any],
                      let issuer = object["issuer"] as? String, let jwks = object["jwks_uri"] as? String,
                      let url = URL(string: jwks), Self.isAllowed(url) else {
                    throw ReeError(.corrupt, "the discovery document lacks issuer or a usable jwks_uri")
                }
                guard issuer == configuration.issuer else {
                    throw ReeError(.corrupt, "the discovery document names issuer '\(issuer)', not '\(configuration.issuer)'")
                }
                jwksURL = url
            }
            guard let jwksURL else { return false }
            let set = try JSONDecoder().decode(JSONWebKeySet.self, from: try await fetchJSON(jwksURL))
            keys = set.keys
            logger.info("loaded the OIDC provider's keys", metadata: ["keys": "\(set.keys.count)"])
            return true
        } catch {
            logger.warning("failed to load the OIDC provider's keys", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func fetchJSON(_ url: URL) async throws -> Data {
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw ReeError(.system, "GET \(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        guard data.count <= 1 << 20 else { throw ReeError(.limitExceeded, "GET \(url): larger than 1 MiB") }
        return data
    }
}
