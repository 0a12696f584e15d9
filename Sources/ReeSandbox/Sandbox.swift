#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import ReeOS
import Synchronization

/// Runs one command in a root filesystem inside new user, mount, pid, uts, ipc and network namespaces,
/// without privileges (see `docs/sandbox.md` for the security model).
///
/// ```swift
/// var config = SandboxConfiguration(root: .overlay(lower: [layerDir], upper: upper, work: work),
///                                   argv: ["/bin/sh", "-c", "apk add curl"])
/// config.limits.timeout = .seconds(600)
/// let result = try await Sandbox.run(config, output: .capture { stream, bytes in log(stream, bytes) })
/// ```
public enum Sandbox {
    /// Runs `configuration` to its end (or its time limit) and returns how it ended.
    ///
    /// - Parameters:
    ///   - output: where standard output and error go.
    ///   - listener: called (on the sandbox's thread, so it must return promptly) with the listening socket
    ///     made inside the sandbox when `listenPort` is set, before the command starts. The caller owns the
    ///     descriptor and must close it, at the latest when `run` returns.
    /// - Throws: `ReeError` naming the failed setup step and its errno (an `.unsupported` one when the
    ///   overlay cannot be mounted: fall back to `.directory`), or `.invalidInput` for a bad configuration.
    public static func run(_ configuration: SandboxConfiguration, output: SandboxOutput = .inherit,
                           listener: (@Sendable (Int32) -> Void)? = nil) async throws -> SandboxResult {
        let control = RunControl()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SandboxResult, Error>) in
                let started = startThread {
                    let cleanup = DeferredCleanup()
                    let result = Result {
                        try Supervisor(configuration, output: output, listener: listener, control: control, cleanup: cleanup).run()
                    }
                    continuation.resume(with: result)
                    cleanup.run()
                }
                if let started { continuation.resume(throwing: started) }
            }
        } onCancel: {
            control.cancel()
        }
    }
}

/// Shared between the supervising thread and a cancelling task.
final class RunControl: Sendable {
    private struct State { var pidfd: Int32 = -1; var cancelled = false }
    private let state = Mutex(State())

    func cancel() {
        state.withLock {
            $0.cancelled = true
            if $0.pidfd >= 0 { _ = ree_pidfd_send_signal($0.pidfd, SIGKILL) }
        }
    }

    /// Registers the running sandbox; kills it at once when already cancelled.
    func attach(_ pidfd: Int32) {
        state.withLock {
            $0.pidfd = pidfd
            if $0.cancelled { _ = ree_pidfd_send_signal(pidfd, SIGKILL) }
        }
    }

    func detach() { state.withLock { $0.pidfd = -1 } }

    var cancelled: Bool { state.withLock { $0.cancelled } }
}

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Starts a detached thread (blocking waits and reads stay off the cooperative pool); an error when it
/// could not be started.
func startThread(_ body: @escaping @Sendable () -> Void) -> ReeError? {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    if rc != 0 {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return ReeError.system("start sandbox thread", errno: rc)
    }
    return nil
}
