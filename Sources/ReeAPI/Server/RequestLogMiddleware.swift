import Hummingbird
import Logging
import Metrics
import NIOCore
import Synchronization

/// One log line and two metrics per request: method, route (the matched pattern, not the path, so
/// uuids and image names do not multiply the series), status, duration and user.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ReeRequestContext
    let logger: Logger
    private let metrics = RequestMetrics()

    init(logger: Logger) {
        self.logger = logger
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware sits below this one; anything that still arrives here is unexpected.
            let (status, message) = ErrorMapping.response(for: error, upload: request.method == .post)
            response = ErrorMapping.jsonResponse(status: status, message: message)
        }
        let route = context.endpointPath ?? "unmatched"
        let method = request.method
        let status = response.status.code
        let user = context.user ?? "-"
        let logger = self.logger
        let metrics = self.metrics
        let record: @Sendable () -> Void = {
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            logger.info("request", metadata: [
                "http.method": .string(method.rawValue), "http.route": .string(route), "http.status": .stringConvertible(status),
                "duration_ms": .stringConvertible((nanoseconds + 500_000) / 1_000_000), "user": .string(user),
            ])
            metrics.record(method: method, route: route, status: status, nanoseconds: nanoseconds)
        }
        guard context.streamsBody else {
            record()
            return response
        }
        // Streamed bodies (downloads, followed logs) are counted when their last byte is written.
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
                record()
            } catch {
                record()
                throw error
            }
        }
        return response
    }
}

/// `ree_http_requests_total` and `ree_http_request_duration_seconds`, their handles made once per
/// method, route and status rather than looked up in the registry on every request.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        var method: HTTPRequest.Method
        var route: String
        var status: Int
    }

    private let handles = Mutex<[Key: (requests: Counter, duration: Metrics.Timer)]>([:])

    func record(method: HTTPRequest.Method, route: String, status: Int, nanoseconds: Int64) {
        let key = Key(method: method, route: route, status: status)
        let (requests, duration) = handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let made = (Counter(label: "ree_http_requests_total",
                                dimensions: [("method", method.rawValue), ("route", route), ("status", "\(status)")]),
                        Metrics.Timer(label: "ree_http_request_duration_seconds",
                                      dimensions: [("method", method.rawValue), ("route", route)]))
            handles[key] = made
            return made
        }
        requests.increment()
        duration.recordNanoseconds(nanoseconds)
    }
}
