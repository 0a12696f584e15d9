#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import ReeOS

/// Polls everything a running sandbox talks through until all of it has ended: the error pipe (a
/// setup failure, or EOF once the command exec'd), the control socket (listener descriptor, final
/// status), the output pipes and the init's pidfd; kills the init at the time limit.
struct SupervisionLoop {
    let pid: pid_t
    let pidfd: FileDescriptor
    let errors: FileDescriptor
    let control: FileDescriptor
    let stdout: FileDescriptor?
    let stderr: FileDescriptor?
    let deliver: (@Sendable (SandboxOutput.Stream, [UInt8]) -> Void)?
    let listener: (@Sendable (Int32) -> Void)?
    let timeout: Duration?

    private(set) var failure: ree_spawn_failure?
    private(set) var status: Int32?
    private(set) var timedOut = false

    init(pid: pid_t, pidfd: FileDescriptor, errors: FileDescriptor, control: FileDescriptor, stdout: FileDescriptor?,
         stderr: FileDescriptor?, deliver: (@Sendable (SandboxOutput.Stream, [UInt8]) -> Void)?,
         listener: (@Sendable (Int32) -> Void)?, timeout: Duration?) {
        self.pid = pid
        self.pidfd = pidfd
        self.errors = errors
        self.control = control
        self.stdout = stdout
        self.stderr = stderr
        self.deliver = deliver
        self.listener = listener
        self.timeout = timeout
    }

    private static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    mutating func run() {
        enum Source { case errors, control, stdout, stderr, process }
        var open: [Source: Int32] = [.errors: errors.rawValue, .control: control.rawValue, .process: pidfd.rawValue]
        if let stdout { open[.stdout] = stdout.rawValue }
        if let stderr { open[.stderr] = stderr.rawValue }
        let deadline: Int64? = timeout.map {
            let c = $0.components
            return Self.now() + c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
        }
        var errorBytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)

        while !open.isEmpty {
            let order = Array(open.keys)
            var fds = order.map { pollfd(fd: open[$0] ?? -1, events: Int16(POLLIN), revents: 0) }
            var wait: Int32 = -1
            if let deadline, !timedOut, open[.process] != nil {
                wait = Int32(clamping: max(0, deadline - Self.now()))
            }
            let n = poll(&fds, nfds_t(fds.count), wait)
            if n < 0 && errno != EINTR { break }
            if let deadline, !timedOut, open[.process] != nil, Self.now() >= deadline {
                _ = ree_pidfd_send_signal(pidfd.rawValue, SIGKILL)
                timedOut = true
            }
            if n <= 0 { continue }
            for (i, source) in order.enumerated() where fds[i].revents != 0 {
                let fd = fds[i].fd
                switch source {
                case .process:
                    var st: Int32 = 0
                    let w = waitpid(pid, &st, WNOHANG)
                    if w == pid || (w < 0 && errno == ECHILD) { open[.process] = nil }
                case .errors:
                    let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                    if got > 0 {
                        errorBytes += buffer[0..<got]
                        if errorBytes.count >= MemoryLayout<ree_spawn_failure>.size && failure == nil {
                            failure = errorBytes.withUnsafeBytes { $0.loadUnaligned(as: ree_spawn_failure.self) }
                        }
                    } else if got == 0 || errno != EINTR {
                        open[.errors] = nil
                    }
                case .control:
                    var type: Int32 = 0, value: Int32 = 0, passed: Int32 = -1
                    let r = ree_control_receive(fd, &type, &value, &passed)
                    if r <= 0 {
                        if r == 0 || errno != EINTR { open[.control] = nil }
                    } else if type == Int32(UInt8(ascii: "L")), passed >= 0 {
                        if let listener { listener(passed) } else { Glibc.close(passed) }
                    } else if type == Int32(UInt8(ascii: "S")) {
                        status = value
                    }
                case .stdout, .stderr:
                    let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                    if got > 0 {
                        deliver?(source == .stdout ? .stdout : .stderr, Array(buffer[0..<got]))
                    } else if got == 0 || errno != EINTR {
                        open[source] = nil
                    }
                }
            }
        }
        if open[.process] != nil {
            // poll failed: make sure nothing is left behind.
            _ = ree_pidfd_send_signal(pidfd.rawValue, SIGKILL)
            Supervisor.reap(pid)
        }
    }
}
