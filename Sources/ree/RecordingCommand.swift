import ArgumentParser
import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeRecorder
import ReeSandbox

/// `ree recording define|build`: the recording strategy for REEs.
struct RecordingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recording",
        abstract: "Define an REE by recording a build's network traffic, and rebuild it offline.",
        subcommands: [Define.self, Build.self, Proxy.self])

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build a project with its traffic recorded; write the REE definition ZIP.")

        @Argument(help: "The project: a directory or a ZIP.") var project: String
        @Option(name: .shortAndLong, help: "The Dockerfile, relative to the project.") var file: String = "Dockerfile"
        @Option(name: .shortAndLong, help: "The name to store the image under.") var tag: String?
        @Option(name: .shortAndLong, help: "The REE ZIP to write.") var output: String
        @Flag(help: "Put the base images in the REE, so it is self-contained.") var embedBase = false
        @Option(name: .customLong("build-arg"), help: "K=V for an ARG (repeatable).") var buildArguments: [String] = []
        @Option(help: "The stage to build.") var target: String?
        @Option(help: "SOURCE_DATE_EPOCH (default: the environment's, else 0).") var sourceDateEpoch: Int64?
        @Option(help: "User namespace mode for RUN: auto, full or single.") var userns: SandboxConfiguration.UserNamespaceMode = .auto

        func run() async throws {
            let store = try Context().store
            var options = RecordingDefiner.Options(project: project, output: output)
            options.dockerfile = file
            options.tag = try tag.map { try ImageName($0) }
            options.embedBase = embedBase
            options.target = target
            for item in buildArguments {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { options.buildArguments[parts[0]] = parts[1] }
            }
            options.sourceDateEpoch = sourceDateEpoch ?? ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) } ?? 0
            options.userNamespace = userns
            options.toolVersion = ReeVersion.current
            let result = try await RecordingDefiner(store: store, options: options, log: BuildLog { print($0) }).define()
            print("\(result.manifest.imageDigest) \(result.path)")
        }
    }

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rebuild an REE (recording: offline from its recording; sbom: its pinned Dockerfile); write image.tar, build.log and report.json to a ZIP.")

        @Argument(help: "The REE definition ZIP.") var ree: String
        @Option(name: .shortAndLong, help: "The output ZIP to write.") var output: String
        @Option(name: .shortAndLong, help: "The name to store the image under.") var tag: String?
        @Option(name: .customLong("build-arg"), help: "K=V over the REE's ARGs, e.g. REE_DEBIAN_SNAPSHOT=URL of a mirror (sbom strategy; repeatable).")
        var buildArguments: [String] = []
        @Option(help: "User namespace mode for RUN: auto, full or single.") var userns: SandboxConfiguration.UserNamespaceMode = .auto

        func run() async throws {
            let store = try Context().store
            var options = RecordingReplayer.Options(ree: ree, output: output)
            options.tag = try tag.map { try ImageName($0) }
            options.userNamespace = userns
            options.buildArguments = SBOMCommand.Define.arguments(buildArguments)
            let report = try await RecordingReplayer(store: store, options: options, log: BuildLog { print($0) }).buildDefinition()
            print(report.summary)
            if !report.reproduced { throw ExitCode(3) }
        }
    }

    /// The recording proxy on its own (for benchmarks and debugging): records into a directory
    /// until it gets SIGINT or SIGTERM, then finishes the WARC file and its index.
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the recording proxy on 127.0.0.1 until interrupted.", shouldDisplay: false)

        @Option(help: "Directory to record into (WARC and CDXJ).") var record: String
        @Option(help: "Port on 127.0.0.1 (0: any).") var port: UInt16 = 0
        @Option(help: "CA bundle that verifies origins.") var upstreamCa: String = "/etc/ssl/certs/ca-certificates.crt"
        @Option(help: "Where to write the interception CA certificate.") var caOut: String

        func run() async throws {
            let authority = try CertificateAuthority.generate()
            try FileSystem.writeAtomically(caOut, Array(authority.certificatePEM.utf8))
            var upstream = UpstreamConfiguration()
            upstream.caFile = upstreamCa
            let writer = try WARCWriter(directory: record)
            let proxy = try RecordingProxy(mode: .record(writer, upstream), authority: authority) { Context.log($0) }
            let bound = try proxy.listen(port: port)
            FileHandle.standardOutput.write(Data("\(bound)\n".utf8))
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let queue = DispatchQueue(label: "ree.recording.proxy.signals")
                var sources: [DispatchSourceSignal] = []
                for number in [SIGINT, SIGTERM] {
                    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                    source.setEventHandler {
                        sources.forEach { $0.cancel() }
                        proxy.stopAndWait()
                        _ = try? writer.finish()
                        c.resume()
                    }
                    source.resume()
                    sources.append(source)
                }
            }
        }
    }
}
