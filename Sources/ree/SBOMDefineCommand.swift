import ArgumentParser
import Foundation
import ReeBuild
import ReeOCI
import ReeSandbox

extension SBOMCommand {
    /// `ree sbom define PROJECT -o REE.zip`: the SBOM strategy (docs/ree-format.md).
    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a project with the network, pin what it installed, and write an REE of strategy sbom.")

        @Argument(help: "The project: a directory or a ZIP.") var project: String
        @Option(name: .shortAndLong, help: "The Dockerfile, relative to the project.") var file: String = "Dockerfile"
        @Option(name: .shortAndLong, help: "The name to store the image under.") var tag: String?
        @Option(name: .shortAndLong, help: "The REE ZIP to write.") var output: String
        @Flag(help: "Put the base images in the REE, so it is self-contained.") var embedBase = false
        @Option(name: .customLong("build-arg"), help: "K=V for an ARG (repeatable).") var buildArguments: [String] = []
        @Option(help: "The stage to build.") var target: String?
        @Option(help: "SOURCE_DATE_EPOCH (default: the environment's, else 0).") var sourceDateEpoch: Int64?
        @Option(help: "The Debian snapshot service's URL, for images whose apt sources name no snapshot (default: $REE_DEBIAN_SNAPSHOT).")
        var debianSnapshot: String?
        @Option(help: "User namespace mode for RUN: auto, full or single.") var userns: SandboxConfiguration.UserNamespaceMode = .auto

        func run() async throws {
            let store = try Context().store
            let environment = ProcessInfo.processInfo.environment
            var options = SBOMDefiner.Options(project: project, output: output)
            options.dockerfile = file
            options.tag = try tag.map { try ImageName($0) }
            options.embedBase = embedBase
            options.target = target
            options.buildArguments = Self.arguments(buildArguments)
            options.sourceDateEpoch = sourceDateEpoch ?? environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) } ?? 0
            options.debianSnapshot = debianSnapshot ?? environment["REE_DEBIAN_SNAPSHOT"].flatMap { $0.isEmpty ? nil : $0 }
            options.userNamespace = userns
            options.toolVersion = ReeVersion.current
            let result = try await SBOMDefiner(store: store, options: options, log: BuildLog { print($0) }).define()
            let unpinned = result.manifest.pinning?.unpinned.count ?? 0
            print("\(result.manifest.imageDigest) \(result.path) (\(result.manifest.pinning?.pinned.count ?? 0) pinned, \(unpinned) not pinned)")
        }

        /// `K=V` items as a dictionary (an item without `=` is ignored, as `recording define` does).
        static func arguments(_ items: [String]) -> [String: String] {
            var result: [String: String] = [:]
            for item in items {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if parts.count == 2 { result[parts[0]] = parts[1] }
            }
            return result
        }
    }
}
