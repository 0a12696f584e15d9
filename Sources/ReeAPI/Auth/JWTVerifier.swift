import Foundation
import ReeOS

/// The signature algorithms ree accepts. `none` and the HMAC family are refused by construction:
/// a token that names them never reaches a key.
enum JWTAlgorithm: String, Sendable {
    case rs256 = "RS256"
    case es256 = "ES256"
}

/// Checks a compact JWS token: algorithm, signature by one of the given keys, and the claims
/// `iss`, `aud`, `exp`, `nbf` (with `leeway`). Returns the subject.
struct JWTVerifier: Sendable {
    var issuer: String
    var audience: String
    var leeway: TimeInterval = 60

    struct Header {
        var algorithm: JWTAlgorithm
        var keyID: String?
    }

    /// The parsed parts of a token whose signature is not yet checked.
    struct Token {
        var header: Header
        var signingInput: [UInt8]
        var signature: [UInt8]
        var claims: [String: Any]
    }

    func parse(_ token: String) throws -> Token {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 16384, parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = (try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any],
              let claims = (try? JSONSerialization.jsonObject(with: Data(payloadBytes))) as? [String: Any] else {
            throw ReeError(.invalidInput, "malformed token")
        }
        guard let alg = header["alg"] as? String, let algorithm = JWTAlgorithm(rawValue: alg) else {
            throw ReeError(.invalidInput, "token algorithm '\(header["alg"] as? String ?? "?")' is not accepted")
        }
        guard header["crit"] == nil else { throw ReeError(.unsupported, "token has critical header parameters") }
        return Token(header: Header(algorithm: algorithm, keyID: header["kid"] as? String),
                     signingInput: Array("\(parts[0]).\(parts[1])".utf8), signature: signature, claims: claims)
    }

    /// The keys that could have signed `token`: same `kid` (when the token names one) and fitting the algorithm.
    func candidates(for token: Token, in keys: [JSONWebKey]) -> [JSONWebKey] {
        keys.filter { key in
            (token.header.keyID == nil || key.kid == token.header.keyID) && key.fits(token.header.algorithm)
        }
    }

    func verifySignature(_ token: Token, keys: [JSONWebKey]) throws {
        var signature = token.signature
        if token.header.algorithm == .es256 {
            // JWS carries r || s; OpenSSL wants a DER ECDSA-Sig-Value.
            guard signature.count == 64 else { throw ReeError(.invalidInput, "bad ES256 signature length") }
            signature = DER.sequence(DER.integer(Array(signature[0..<32])), DER.integer(Array(signature[32..<64])))
        }
        for jwk in keys {
            guard let key = try? jwk.publicKey() else { continue }
            if key.verifySHA256(signature: signature, message: token.signingInput) { return }
        }
        throw ReeError(.invalidInput, "token signature does not verify")
    }

    /// Checks the claims; returns `sub`.
    func verifyClaims(_ claims: [String: Any], now: Date = Date()) throws -> String {
        let t = now.timeIntervalSince1970
        guard let iss = claims["iss"] as? String, iss == issuer else { throw ReeError(.invalidInput, "token issuer does not match") }
        let audiences: [String]
        if let aud = claims["aud"] as? String { audiences = [aud] } else { audiences = claims["aud"] as? [String] ?? [] }
        guard audiences.contains(audience) else { throw ReeError(.invalidInput, "token audience does not match") }
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue else { throw ReeError(.invalidInput, "token has no expiry") }
        guard t < exp + leeway else { throw ReeError(.invalidInput, "token expired") }
        if let nbf = claims["nbf"] {
            guard let nbf = (nbf as? NSNumber)?.doubleValue, t + leeway >= nbf else { throw ReeError(.invalidInput, "token not valid yet") }
        }
        guard let sub = claims["sub"] as? String, !sub.isEmpty, sub.utf8.count <= 255 else {
            throw ReeError(.invalidInput, "token has no subject")
        }
        return sub
    }
}
