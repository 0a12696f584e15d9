import Hummingbird
import Logging
import NIOCore
import ReeOCI
import ReeService

/// The ree REST API: every route of the API document, behind authentication.
public enum ReeServer {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (tests); `onServerRunning` tells which.
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 5000) {
            self.host = host
            self.port = port
        }
    }

    /// The router with its middleware: request log and metrics (outermost), error mapping, authentication, routes.
    public static func buildRouter(service: ProcessService, images: ImageStore, authenticator: any Authenticator,
                                   logger: Logger) -> Router<ReeRequestContext> {
        ReeMetrics.bootstrap()
        let router = Router(context: ReeRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(authenticator: authenticator))
        ProcessRoutes(service: service).register(on: router)
        ImageRoutes(store: images).register(on: router)
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: ReeMetrics.exposition())))
        }
        return router
    }

    /// The application, ready for `runService()`. `onServerRunning` receives the bound port.
    public static func buildApplication(configuration: Configuration, service: ProcessService, images: ImageStore,
                                        authenticator: any Authenticator, logger: Logger,
                                        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = buildRouter(service: service, images: images, authenticator: authenticator, logger: logger)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ree"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}
