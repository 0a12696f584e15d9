import Foundation
import Hummingbird
import ReeOS

/// An error the API reports as it is: a status and a message for `{"error": "..."}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    static let unauthorized = APIError(.unauthorized, "authentication required")
}

/// The one place where errors become HTTP responses, with the body `{"error": "<message>"}`.
/// `ReeError` codes: notFound 404; invalidInput, corrupt, unsupported 400; conflict 409;
/// limitExceeded 413 for uploads, else 400; everything else 500 with a generic message, since
/// its message may name host paths.
public enum ErrorMapping {
    public static func response(for error: any Error, upload: Bool) -> (HTTPResponse.Status, String) {
        switch error {
        case let error as APIError:
            return (error.status, error.message)
        case let error as ReeError:
            switch error.code {
            case .notFound: return (.notFound, error.message)
            case .invalidInput, .corrupt, .unsupported: return (.badRequest, error.message)
            case .conflict: return (.conflict, error.message)
            case .limitExceeded: return (upload ? .contentTooLarge : .badRequest, error.message)
            case .system, .processFailed: return (.internalServerError, "internal server error")
            }
        case let error as any HTTPResponseError:
            // Hummingbird's own errors (unknown route, wrong method, body too large).
            let status = error.status
            if status == .notFound { return (status, "not found") }
            if status == .methodNotAllowed { return (status, "method not allowed") }
            return (status, status.reasonPhrase.isEmpty ? "request failed" : status.reasonPhrase.lowercased())
        default:
            return (.internalServerError, "internal server error")
        }
    }

    static func jsonResponse(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: jsonBody(message: message)))
    }

    /// `{"error": "<message>"}`.
    static func jsonBody(message: String) -> ByteBuffer {
        var body = JSONObjectWriter(capacity: 32 + message.utf8.count)
        body.member("error", message)
        return body.finish()
    }
}

/// Turns every error thrown below it into a JSON error response.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ReeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let upload = request.method == .post
            let (status, message) = ErrorMapping.response(for: error, upload: upload)
            if status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            let headers = (error as? APIError)?.headers ?? [:]
            return ErrorMapping.jsonResponse(status: status, message: message, headers: headers)
        }
    }
}

/// JSON as the API writes it: sorted keys, no escaped slashes.
enum APIJSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        response(json: ByteBuffer(bytes: encode(value)), status: status)
    }

    /// A response of JSON already encoded (see `JSONObjectWriter`).
    static func response(json: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: json))
    }
}
