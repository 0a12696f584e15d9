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
    private var cache: [String: (user: String, expires: ContinuousClock.Instant)] = [:]
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
        guard let authorization, authorization.count <= 4096,
              authorization.lowercased().hasPrefix("basic ") else { return nil }
        let key = SHA256.hex(Array(authorization.utf8))
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

    private func cached(_ key: String, now: ContinuousClock.Instant) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = cache[key] else { return nil }
        if entry.expires > now { return entry.user }
        cache[key] = nil
        return nil
    }

    private func remember(_ key: String, user: String, expires: ContinuousClock.Instant) {
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
