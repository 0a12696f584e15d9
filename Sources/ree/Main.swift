import ArgumentParser
import Foundation
import ReeOS

/// Exit codes: 0 success, 1 failure, 2 usage error.
@main
enum Main {
    static func main() async {
        do {
            var command = try Ree.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ReeError {
            FileHandle.standardError.write(Data("ree: \(error.message)\n".utf8))
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = Ree.exitCode(for: error)
            let message = Ree.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            exit(code == .validationFailure ? 2 : 1)
        }
    }
}

struct Ree: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ree",
        abstract: "Build reproducible execution environments: OCI images from Dockerfiles, without Docker.",
        version: ReeVersion.current,
        subcommands: [BuildCommand.self, ImageCommand.self, RunCommand.self, DigestCommand.self, SBOMCommand.self, RecordingCommand.self, ServeCommand.self]
    )
}

enum ReeVersion {
    static let current = "0.1.0"
}
