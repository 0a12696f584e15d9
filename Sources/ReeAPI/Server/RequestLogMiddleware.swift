import Hummingbird
import Logging
import Metrics
import NIOCore

/// One log line and two metrics per request: method, route (the matched pattern, not the path, so
/// uuids and image names do not multiply the series), status, duration and user.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ReeRequestContext
    let logger: Logger

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
        let method = request.method.rawValue
        let status = response.status.code
        let user = context.user ?? "-"
        let logger = self.logger
        let record: @Sendable () -> Void = {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            logger.info("request", metadata: [
                "http.method": "\(method)", "http.route": "\(route)", "http.status": "\(status)",
                "duration_ms": "\(Int((seconds * 1000).rounded()))", "user": "\(user)",
            ])
            let dimensions = [("method", method), ("route", route), ("status", "\(status)")]
            Counter(label: "ree_http_requests_total", dimensions: dimensions).increment()
            Metrics.Timer(label: "ree_http_request_duration_seconds", dimensions: [("method", method), ("route", route)])
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
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
