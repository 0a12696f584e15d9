import ArgumentParser
import Foundation
import ReeBuild
import ReeOS
import ReeSandbox

/// `ree run IMAGE -- CMD...`: output streams live, the exit status is the command's, changes are discarded.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in an image, in a rootless sandbox; changes are discarded.")

    @Argument(help: "The image.") var image: String
    @Option(help: "User namespace mode: auto, full (uid/gid 0-65535) or single (only your id, as root).") var userns: SandboxConfiguration.UserNamespaceMode = .auto
    @Option(name: .customLong("env"), help: "Set K=V in the environment (repeatable).") var environment: [String] = []
    @Option(help: "The working directory (default: the image's).") var workdir: String?
    @Option(help: "The user (name or uid[:gid]; default: the image's).") var user: String?
    @Option(help: "Kill the command and everything it started after this many seconds.") var timeout: Double?
    @Option(help: "Replace the image's entrypoint (\"\" clears it).") var entrypoint: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments (after --).") var command: [String] = []

    func run() async throws {
        var options = ImageRunner.Options()
        options.command = command
        options.entrypoint = entrypoint.map { $0.isEmpty ? [] : [$0] }
        options.environment = environment
        options.workingDirectory = workdir
        options.user = user
        options.userNamespace = userns
        options.timeout = timeout.map { .milliseconds(Int64($0 * 1000)) }
        for item in environment where !item.contains("=") {
            throw ValidationError("--env wants K=V, got '\(item)'")
        }
        let result = try await ImageRunner(store: try Context().store).run(image, options: options, output: .inherit)
        for note in result.notes { Context.log("ree: \(note)") }
        if result.timedOut {
            Context.log("ree: killed after the time limit of \(timeout ?? 0) s")
            throw ExitCode(124)
        }
        if let signal = result.signal { throw ExitCode(128 + signal) }
        throw ExitCode(result.exitCode ?? 1)
    }
}

extension SandboxConfiguration.UserNamespaceMode: ExpressibleByArgument {}
