import Hummingbird
import Synchronization

/// The context of one request: Hummingbird's core storage plus the authenticated user.
public struct ReeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Shared by every copy of this context, so the request log (outside authentication) sees the user too.
    private let identity = Identity()

    /// The user name (basic) or token subject (OIDC); set by `AuthMiddleware` before any route runs.
    public var user: String? {
        get { identity.value }
        nonmutating set { identity.value = newValue }
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated user; routes run only behind `AuthMiddleware`, so a missing user is a bug turned into 401.
    public func requireUser() throws -> String {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}

private final class Identity: Sendable {
    private let stored = Mutex<String?>(nil)

    var value: String? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
