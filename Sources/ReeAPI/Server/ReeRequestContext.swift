import Hummingbird

/// The context of one request: Hummingbird's core storage plus the authenticated user.
public struct ReeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The user name (basic) or token subject (OIDC); set by `AuthMiddleware` before any route runs.
    public var user: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        user = nil
    }

    /// The authenticated user; routes run only behind `AuthMiddleware`, so a missing user is a bug turned into 401.
    public func requireUser() throws -> String {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}
