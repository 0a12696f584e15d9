import ArgumentParser
import Foundation
import Logging
import ReeAPI
import ReeOCI
import ReeBuild
import ReeOS
import ReeService

/// `ree serve`: the REST API of the API document on Hummingbird.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API (define and build REEs, download images and outputs).",
        discussion: """
            Every option can also come from the environment: REE_HOST, REE_PORT, REE_AUTH, REE_HTPASSWD, \
            REE_OIDC_ISSUER, REE_OIDC_AUDIENCE, REE_MAX_CONCURRENT_BUILDS, REE_MAX_UPLOAD_BYTES, \
            REE_UNPACK_MAX_ENTRIES, REE_UNPACK_MAX_BYTES, REE_LOG_LEVEL. Data lives in $REE_HOME.
            """
    )

    enum AuthMode: String, ExpressibleByArgument, CaseIterable { case basic, oidc }

    @Option(help: "Address to listen on (REE_HOST).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (REE_PORT, default 5000).") var port: Int?
    @Option(help: "Authentication: basic (htpasswd, for development) or oidc (bearer tokens) (REE_AUTH, default basic).") var auth: AuthMode?
    @Option(help: "htpasswd file of bcrypt hashes ('htpasswd -B') (REE_HTPASSWD). Without one, user 'ree' gets a random password at first start.") var htpasswd: String?
    @Option(help: "OIDC issuer URL (REE_OIDC_ISSUER).") var oidcIssuer: String?
    @Option(help: "OIDC audience the tokens must name (REE_OIDC_AUDIENCE).") var oidcAudience: String?
    @Option(help: "Processes that run at the same time (REE_MAX_CONCURRENT_BUILDS, default 1).") var maxConcurrentBuilds: Int?
    @Option(help: "Largest accepted upload in bytes (REE_MAX_UPLOAD_BYTES, default 1 GiB).") var maxUploadBytes: Int64?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func number<T: FixedWidthInteger>(_ name: String, _ value: T?, default fallback: T) throws -> T {
            if let value { return value }
            guard let text = env[name] else { return fallback }
            guard let parsed = T(text) else { throw ReeError(.invalidInput, "\(name)='\(text)' is not a number") }
            return parsed
        }

        let level = env["REE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        // StreamLogHandler's lines, written to stderr in batches: one line per request must stay cheap.
        LoggingSystem.bootstrap { label in
            var handler = ServerLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        defer { LogOutput.standardError.flush() }
        let logger = Logger(label: "ree.serve")
        ReeMetrics.bootstrap()

        let home = ImageStore.defaultHome(environment: env)
        let store = try ImageStore(home: home)
        let limits = ProjectArchive.Limits(
            maxEntries: try number("REE_UNPACK_MAX_ENTRIES", nil, default: ProjectArchive.Limits().maxEntries),
            maxTotalBytes: try number("REE_UNPACK_MAX_BYTES", nil, default: ProjectArchive.Limits().maxTotalBytes))
        var workerConfiguration = PipelineWorker.Configuration()
        workerConfiguration.limits = limits
        workerConfiguration.toolVersion = ReeVersion.current
        workerConfiguration.sourceDateEpoch = env["SOURCE_DATE_EPOCH"].flatMap { Int64($0) } ?? 0
        workerConfiguration.debianSnapshot = env["REE_DEBIAN_SNAPSHOT"].flatMap { $0.isEmpty ? nil : $0 }
        workerConfiguration.buildArguments = SBOMCommand.Define.arguments((env["REE_BUILD_ARGS"] ?? "").split(separator: " ").map(String.init))
        let service = try ProcessService(
            configuration: .init(home: home,
                                 maxConcurrentProcesses: try number("REE_MAX_CONCURRENT_BUILDS", maxConcurrentBuilds, default: 1),
                                 maxUploadBytes: try number("REE_MAX_UPLOAD_BYTES", maxUploadBytes, default: 1 << 30)),
            worker: PipelineWorker(store: store, configuration: workerConfiguration),
            logger: Logger(label: "ree.service"))

        let authenticator: any Authenticator
        let mode = try auth ?? env["REE_AUTH"].map {
            guard let m = AuthMode(rawValue: $0) else { throw ReeError(.invalidInput, "REE_AUTH='\($0)': use basic or oidc") }
            return m
        } ?? .basic
        switch mode {
        case .basic:
            var path = htpasswd ?? env["REE_HTPASSWD"]
            if path == nil {
                let (defaultPath, password) = try BasicAuthenticator.ensureDefaultUser(home: home)
                if let password {
                    Self.say("ree: created user 'ree' with password \(password) (shown once; stored as a bcrypt hash in \(defaultPath))")
                }
                path = defaultPath
            }
            authenticator = try BasicAuthenticator(htpasswdPath: path ?? "")
        case .oidc:
            guard let issuer = oidcIssuer ?? env["REE_OIDC_ISSUER"], let audience = oidcAudience ?? env["REE_OIDC_AUDIENCE"] else {
                throw ValidationError("--auth oidc needs --oidc-issuer and --oidc-audience (or REE_OIDC_ISSUER, REE_OIDC_AUDIENCE)")
            }
            authenticator = try OIDCAuthenticator(configuration: .init(issuer: issuer, audience: audience), logger: Logger(label: "ree.auth"))
        }

        try await service.start()
        let host = host ?? env["REE_HOST"] ?? "127.0.0.1"
        let app = ReeServer.buildApplication(
            configuration: .init(host: host, port: try number("REE_PORT", port, default: 5000)),
            service: service, images: store, authenticator: authenticator, logger: logger,
            onServerRunning: { port in
                Self.say("ree: listening on http://\(host):\(port)")
            })
        try await app.runService()
        await service.shutdown()
    }

    /// A line on stdout, unbuffered: tests and wrappers read it while the server runs.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
