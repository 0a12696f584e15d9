import CReeJOSE
import Foundation
import HummingbirdBcrypt
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// HTTP basic authentication against an htpasswd file of bcrypt hashes (`htpasswd -B`).
///
/// A bcrypt check costs tens of milliseconds, so a verified header is remembered for `cacheTTL`,
/// keyed by the SHA-256 of the header value: the cache never holds a password.
public final class BasicAuthenticator: Authenticator, @unchecked Sendable {
    public let challenge = "Basic realm=\"ree\""
    public let cacheTTL: Duration
    private let users: [String: String]
    private let lock = NSLock()
    private var cache: [CredentialDigest: (user: String, expires: ContinuousClock.Instant)] = [:]
    private var verifications = 0
    /// Checked when the user does not exist, so a wrong user name costs as long as a wrong password.
    private static let decoyHash = Bcrypt.hash("ree-decoy-password", cost: 10)

    public init(users: [String: String], cacheTTL: Duration = .seconds(60)) {
        self.users = users
        self.cacheTTL = cacheTTL
    }

    /// Reads `path`; lines `user:hash`, `#` comments and blank lines allowed; only bcrypt hashes.
    public convenience init(htpasswdPath path: String, cacheTTL: Duration = .seconds(60)) throws {
        let text = String(decoding: try FileSystem.readFile(path, limit: 16 << 20), as: UTF8.self)
        var users: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw ReeError(.invalidInput, "failed to read htpasswd file '\(path)': line \(number + 1) has no ':'")
            }
            let user = String(line[..<colon])
            let hash = String(line[line.index(after: colon)...])
            guard ["$2y$", "$2b$", "$2a$"].contains(where: hash.hasPrefix) else {
                throw ReeError(.unsupported, "failed to read htpasswd file '\(path)': user '\(user)' has no bcrypt hash (create it with 'htpasswd -B')")
            }
            users[user] = hash
        }
        guard !users.isEmpty else { throw ReeError(.invalidInput, "failed to read htpasswd file '\(path)': no users") }
        self.init(users: users, cacheTTL: cacheTTL)
    }

    /// How many bcrypt checks ran (the cache's effect is visible in tests).
    public var bcryptVerifications: Int {
        lock.lock(); defer { lock.unlock() }
        return verifications
    }

    public func authenticate(authorization: String?) async -> String? {
        guard let authorization, authorization.utf8.count <= 4096, Self.hasBasicScheme(authorization) else { return nil }
        let key = CredentialDigest(authorization)
        let now = ContinuousClock.now
        if let user = cached(key, now: now) { return user }

        let encoded = authorization.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        let user = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        let hash = users[user]
        // bcrypt's C code knows $2a$ and $2b$; $2y$ (htpasswd, PHP) is the same algorithm as $2b$.
        let checked = Self.normalize(hash ?? Self.decoyHash)
        let ok = await Self.verifyOffPool(password, hash: checked)
        countVerification()
        guard ok, hash != nil else { return nil }
        remember(key, user: user, expires: now + cacheTTL)
        return user
    }

    private func countVerification() {
        lock.withLock { verifications += 1 }
    }

    /// Whether `authorization` starts with `Basic ` (the scheme in any case), without making a lower-cased copy.
    static func hasBasicScheme(_ authorization: String) -> Bool {
        var prefix = Array("basic ".utf8).makeIterator()
        for byte in authorization.utf8 {
            guard let expected = prefix.next() else { return true }
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            guard lower == expected else { return false }
        }
        return prefix.next() == nil
    }

    private func cached(_ key: CredentialDigest, now: ContinuousClock.Instant) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = cache[key] else { return nil }
        if entry.expires > now { return entry.user }
        cache[key] = nil
        return nil
    }

    private func remember(_ key: CredentialDigest, user: String, expires: ContinuousClock.Instant) {
        lock.lock(); defer { lock.unlock() }
        if cache.count >= 4096 { cache.removeAll() }
        cache[key] = (user, expires)
    }

    static func normalize(_ hash: String) -> String {
        hash.hasPrefix("$2y$") ? "$2b$" + hash.dropFirst(4) : hash
    }

    /// A queue of its own: it gets threads of its own, so bcrypt never waits for (or holds) the
    /// cooperative pool, which on a 2-core machine has two threads.
    private static let bcryptQueue = DispatchQueue(label: "ree.auth.bcrypt", attributes: .concurrent)

    private static func verifyOffPool(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            bcryptQueue.async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }

    // MARK: The first-start user

    /// The htpasswd file ree uses when none is configured: `$REE_HOME/htpasswd`. At first start it is
    /// created (mode 0600) with user `ree` and a random password, which is returned once to be shown;
    /// later starts return nil for the password.
    public static func ensureDefaultUser(home: String) throws -> (path: String, generatedPassword: String?) {
        let path = home + "/htpasswd"
        if FileSystem.exists(path) { return (path, nil) }
        try FileSystem.createDirectory(home, mode: 0o700)
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let password = String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
        let hash = Bcrypt.hash(password, cost: 12)
        try FileSystem.writeAtomically(path, Array("ree:\(hash)\n".utf8), mode: 0o600)
        return (path, password)
    }
}

/// The SHA-256 of an `Authorization` value: what the credential cache is keyed by, so that it never
/// holds a password. 32 bytes as four words, hashed and compared without a hex string.
struct CredentialDigest: Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ authorization: String) {
        var value = authorization
        value.withUTF8 { utf8 in
            withUnsafeMutableBytes(of: &words) { out in
                var length: UInt32 = 0
                _ = EVP_Digest(utf8.baseAddress, utf8.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               &length, Self.sha256.pointer, nil)
            }
        }
    }

    static func == (a: Self, b: Self) -> Bool { a.words == b.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Fetched once: OpenSSL 3 otherwise looks the algorithm up again in every digest call.
    private static let sha256 = FetchedDigest()

    private final class FetchedDigest: @unchecked Sendable {
        let pointer: OpaquePointer?
        init() { pointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256() }
    }
}
