import CReeJOSE
import Foundation
import ReeOS

/// One public key of a JWKS (RFC 7517): RSA or EC P-256, as OIDC providers publish them.
public struct JSONWebKey: Decodable, Sendable, Equatable {
    public var kty: String
    public var kid: String?
    public var use: String?
    public var alg: String?
    public var n: String?
    public var e: String?
    public var crv: String?
    public var x: String?
    public var y: String?

    /// Whether this key may check a signature made with `algorithm` (`RS256` or `ES256`).
    func fits(_ algorithm: JWTAlgorithm) -> Bool {
        if let use, use != "sig" { return false }
        if let alg, alg != algorithm.rawValue { return false }
        switch algorithm {
        case .rs256: return kty == "RSA"
        case .es256: return kty == "EC" && crv == "P-256"
        }
    }

    /// The key as OpenSSL's EVP_PKEY, from a SubjectPublicKeyInfo we encode ourselves.
    func publicKey() throws -> PublicKey {
        switch kty {
        case "RSA":
            guard let n = n.flatMap(Base64URL.decode), let e = e.flatMap(Base64URL.decode), !e.isEmpty else {
                throw ReeError(.invalidInput, "RSA key '\(kid ?? "")' lacks n or e")
            }
            guard n.drop(while: { $0 == 0 }).count >= 256 else {
                throw ReeError(.unsupported, "RSA key '\(kid ?? "")' is shorter than 2048 bits")
            }
            let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
            let spki = DER.sequence(DER.sequence(rsaEncryption, [0x05, 0x00]),
                                    DER.bitString(DER.sequence(DER.integer(n), DER.integer(e))))
            return try PublicKey(subjectPublicKeyInfo: spki)
        case "EC":
            guard crv == "P-256", let x = x.flatMap(Base64URL.decode), let y = y.flatMap(Base64URL.decode),
                  x.count == 32, y.count == 32 else {
                throw ReeError(.unsupported, "EC key '\(kid ?? "")' is not a P-256 key")
            }
            let ecPublicKey: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
            let prime256v1: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
            let spki = DER.sequence(DER.sequence(ecPublicKey, prime256v1), DER.bitString([0x04] + x + y))
            return try PublicKey(subjectPublicKeyInfo: spki)
        default:
            throw ReeError(.unsupported, "key type '\(kty)' is not supported")
        }
    }
}

/// A JWKS document: `{"keys": [...]}`.
struct JSONWebKeySet: Decodable, Sendable {
    var keys: [JSONWebKey]
}

/// An OpenSSL public key, freed with its owner.
final class PublicKey: @unchecked Sendable {
    private let key: OpaquePointer

    init(subjectPublicKeyInfo der: [UInt8]) throws {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &pointer, buffer.count)
        }
        guard let parsed else { throw ReeError(.invalidInput, "failed to load a public key: OpenSSL refused it") }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// Checks `signature` (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC) over SHA-256 of `message`.
    func verifySHA256(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        ERR_clear_error()
        return result == 1
    }
}

/// Just enough DER to build public keys and ECDSA signatures.
enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 128 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var value = count
        while value > 0 {
            bytes.insert(UInt8(value & 0xff), at: 0)
            value >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { [tag] + length(content.count) + content }

    /// A non-negative INTEGER from big-endian magnitude bytes.
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop(while: { $0 == 0 }))
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv(0x02, bytes)
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func bitString(_ content: [UInt8]) -> [UInt8] { tlv(0x03, [0x00] + content) }
}

enum Base64URL {
    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard text.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
