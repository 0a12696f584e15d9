import ArgumentParser
import Foundation
import ReeArchive
import ReeBuild
import ReeOCI
import ReeOS
import ReeSandbox
import ReeSBOM

/// `ree build CONTEXT`: a Dockerfile to an OCI image, every RUN in the rootless sandbox.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Build an image from a Dockerfile, without Docker.")

    @Argument(help: "The build context (a directory).") var context: String
    @Option(name: .shortAndLong, help: "The Dockerfile, relative to the context.") var file: String = "Dockerfile"
    @Option(name: .shortAndLong, help: "The name to store the image under.") var tag: String?
    @Option(name: .shortAndLong, help: "Also write the image to this tar (OCI layout and docker-load archive).") var output: String?
    @Option(name: .customLong("build-arg"), help: "K=V for an ARG (repeatable).") var buildArguments: [String] = []
    @Option(help: "The stage to build.") var target: String?
    @Flag(help: "Build every step again.") var noCache = false
    @Option(help: "SOURCE_DATE_EPOCH: clamps mtimes, sets created (default: the environment's, else 0).") var sourceDateEpoch: Int64?
    @Option(help: "User namespace mode for RUN: auto, full or single.") var userns: SandboxConfiguration.UserNamespaceMode = .auto
    @Option(help: CompressionOption.help) var compression: CompressionOption = .gzip
    @Option(help: "Time limit of one RUN step, in seconds.") var stepTimeout: Int = 3600

    func run() async throws {
        let store = try Context().store
        var options = BuildOptions(contextDirectory: context)
        options.dockerfile = file
        options.tag = try ImageName(tag ?? Self.defaultTag(context))
        for item in buildArguments {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                options.buildArguments[parts[0]] = parts[1]
            } else if let value = ProcessInfo.processInfo.environment[parts[0]] {
                options.buildArguments[parts[0]] = value   // as docker: --build-arg NAME takes it from the environment
            }
        }
        options.target = target
        options.noCache = noCache
        let env = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"]
        options.sourceDateEpoch = try sourceDateEpoch ?? env.map {
            guard let v = Int64($0) else { throw ValidationError("SOURCE_DATE_EPOCH '\($0)' is not a number") }
            return v
        } ?? 0
        options.userNamespace = userns
        options.compression = compression.value
        options.stepTimeout = .seconds(stepTimeout)
        let result = try await Builder(store: store, options: options, log: BuildLog { Context.log($0) }).build()
        if let output {
            try store.exportArchive(result.image.name.rawValue, toPath: output)
            try SBOMCommand.write(for: result, store: store, besideArchive: output)
        }
        print("\(result.image.name) \(result.image.manifest.digest)")
    }

    /// The context folder's name, made a valid image name.
    static func defaultTag(_ context: String) -> String {
        let base = URL(fileURLWithPath: context).standardizedFileURL.lastPathComponent.lowercased()
        let cleaned = String(base.map { ($0.isLetter && $0.isASCII) || $0.isNumber || "._-".contains($0) ? $0 : "-" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        return cleaned.isEmpty ? "ree-build" : cleaned
    }
}
