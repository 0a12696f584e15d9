import Hummingbird
import Synchronization

/// The context of one request: Hummingbird's core storage plus the authenticated user.
public struct ReeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Shared by every copy of this context, so the request log (outside authentication and the
    /// routes) sees what they set.
    private let shared = SharedState()

    /// The user name (basic) or token subject (OIDC); set by `AuthMiddleware` before any route runs.
    public var user: String? {
        get { shared.state.withLock { $0.user } }
        nonmutating set { shared.state.withLock { $0.user = newValue } }
    }

    /// Set by a route whose body is written after it returns (a file, a followed log, an image export):
    /// the request log then waits for the body's last byte. Other bodies are a buffer that Hummingbird
    /// writes with the head in one go, and wrapping them would cost it three writes.
    public var streamsBody: Bool {
        get { shared.state.withLock { $0.streamsBody } }
        nonmutating set { shared.state.withLock { $0.streamsBody = newValue } }
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

private final class SharedState: Sendable {
    struct State {
        var user: String?
        var streamsBody = false
    }

    let state = Mutex(State())
}
