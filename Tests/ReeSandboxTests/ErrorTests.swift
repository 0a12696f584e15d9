import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Errors") struct ErrorTests {
    @Test("a missing binary is a typed error naming exec and ENOENT", arguments: ["/bin/no-such-binary", "no-such-binary"])
    func missingBinary(command: String) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "", mode: .single)
            config.argv = [command]
            let error = await #expect(throws: ReeError.self) { try await runCaptured(config) }
            #expect(error?.errno == ENOENT)
            #expect(error?.code == .notFound)
            #expect(error?.message == "failed to exec '\(command)': No such file or directory (errno 2)")
        }
    }

    @Test("an unmountable overlay is an .unsupported error, so the caller can fall back to a directory")
    func overlayFailure() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "true", mode: .single)
            config.root = .overlay(lower: ["\(dir)/missing"], upper: "\(dir)/upper", work: "\(dir)/work")
            let error = await #expect(throws: ReeError.self) { try await runCaptured(config) }
            #expect(error?.code == .unsupported)
            #expect(error?.message.hasPrefix("failed to mount overlay") == true, "\(String(describing: error))")
        }
    }

    @Test("a bind source that does not exist is refused before anything runs")
    func missingBindSource() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "true", mode: .single)
            config.mounts = [.init(source: "\(dir)/nothing", target: "/x")]
            let error = await #expect(throws: ReeError.self) { try await runCaptured(config) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("relative or escaping paths are invalid input", arguments: ["relative", "/a/../../b"])
    func invalidWorkingDirectory(path: String) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "true", mode: .single)
            config.workingDirectory = path
            let error = await #expect(throws: ReeError.self) { try await runCaptured(config) }
            #expect(error?.code == .invalidInput)
        }
    }

    @Test("cancelling the task kills the sandbox")
    func cancellation() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "sleep 100", mode: .single)
            let task = Task { try await runCaptured(config) }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let run = try await task.value
            // Killed, not exited: the 100 s sleep did not run to its end.
            #expect(run.result.signal == SIGKILL)
        }
    }
}
