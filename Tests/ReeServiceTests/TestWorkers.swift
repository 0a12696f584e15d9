import Foundation
import ReeOS
import ReeService
import Synchronization

/// A worker that behaves as the process's tag says: `fail` throws, `block` waits until released
/// (or cancelled), anything else writes a small output ZIP. It tracks how many run at once.
final class ScriptedWorker: ProcessWorker {
    private let state = Mutex<(running: Int, maxRunning: Int, ran: [String])>((0, 0, []))
    private let gate = Gate()

    var maxRunning: Int { state.withLock { $0.maxRunning } }
    var ran: [String] { state.withLock { $0.ran } }

    /// Lets every blocked process go on.
    func release() { gate.open() }

    func run(_ job: ProcessJob) async throws {
        state.withLock {
            $0.running += 1
            $0.maxRunning = max($0.maxRunning, $0.running)
            $0.ran.append(job.tag ?? "")
        }
        defer { state.withLock { $0.running -= 1 } }
        job.log.append("worker: started \(job.kind.rawValue)")
        switch job.tag {
        case "fail":
            throw ReeError(.processFailed, "step 2 of 3 exited with status 1")
        case "block":
            job.log.append("worker: waiting")
            await gate.wait()
            try Task.checkCancellation()
        default:
            try await Task.sleep(for: .milliseconds(50))
        }
        try FileSystem.writeAtomically(job.output, Array("PK\u{5}\u{6}".utf8) + [UInt8](repeating: 0, count: 18))
        job.log.append("worker: wrote the output")
    }
}

/// A one-shot latch that async code can wait on; cancellation ends the wait.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { s -> Bool in
                    if s.open { return true }
                    s.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.open()
        }
    }
}
