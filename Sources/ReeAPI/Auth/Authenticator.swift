import Hummingbird

/// Decides who sent a request from its `Authorization` header.
public protocol Authenticator: Sendable {
    /// The user name (basic) or subject (OIDC), or nil when the credentials are missing or wrong.
    func authenticate(authorization: String?) async -> String?
    /// The `WWW-Authenticate` value sent with a 401.
    var challenge: String { get }
}

/// Lets a request through only when its credentials name a user; 401 otherwise, for every route.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ReeRequestContext
    let authenticator: any Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = await authenticator.authenticate(authorization: request.headers[.authorization]) else {
            throw APIError(.unauthorized, "authentication required", headers: [.wwwAuthenticate: authenticator.challenge])
        }
        context.user = user
        return try await next(request, context)
    }
}
