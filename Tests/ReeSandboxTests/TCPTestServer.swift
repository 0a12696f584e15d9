import Foundation

/// A tiny HTTP/1.0 server for tests: a POSIX accept loop on a thread, answering every request with `body`.
/// Either listens on 127.0.0.1 (a fresh port) or serves a descriptor it is given.
final class TCPTestServer: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    private let body: String
    private let lock = NSLock()
    private var stopped = false

    /// Listens on 127.0.0.1 on a free port.
    convenience init(body: String) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, len) == 0 && listen(s, 16) == 0 && getsockname(s, $0, &len) == 0
            }
        }
        guard ok else { close(s); throw POSIXError(.EADDRNOTAVAIL) }
        self.init(serving: s, port: UInt16(bigEndian: addr.sin_port), body: body)
    }

    /// Serves an already listening descriptor (it is closed by `stop`).
    init(serving fd: Int32, port: UInt16 = 0, body: String) {
        self.fd = fd
        self.port = port
        self.body = body
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    private func acceptLoop() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(c, &buffer, buffer.count)
            let response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            _ = response.withCString { write(c, $0, strlen($0)) }
            close(c)
        }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
