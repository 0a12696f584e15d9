import Foundation
import ReeOS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 forward proxy that records what passes (to WARC), replays a recording with no
/// upstream at all, or passes traffic through and reports each exchange (the SBOM strategy). `http://` arrives as absolute-URI requests, `https://` as CONNECT, answered by
/// TLS with a certificate for the host signed by the recording's CA.
///
/// Threads: one accept thread per listener and one thread per client connection, all plain
/// blocking POSIX I/O (never the Swift concurrency pool). Bodies stream through a fixed buffer.
public final class RecordingProxy: @unchecked Sendable {
    public enum Mode: Sendable {
        /// Forward upstream and record into the writer.
        case record(WARCWriter, UpstreamConfiguration)
        /// Serve only from the recording; unrecorded requests get a 502.
        case replay(Recording)
        /// Forward upstream as `.record` does, write nothing, and tell the observer about every
        /// exchange once its response has been passed on (called on the connection's thread).
        case passThrough(UpstreamConfiguration, observer: @Sendable (ObservedExchange) -> Void)
    }

    public let mode: Mode
    private let interceptor: Interceptor
    private let log: @Sendable (String) -> Void
    /// Largest request body accepted (held in memory to digest and forward it).
    public var requestBodyLimit = 64 << 20

    private struct State {
        var listeners: Set<Int32> = []
        var clients: Set<Int32> = []
        var threads = 0
        var unrecorded: [String] = []
        var stopping = false
    }
    private let state = Mutex(State())
    private let upstreamCount = Atomic<Int>(0)

    /// Upstream requests this proxy made (a replay never makes any).
    public var upstreamRequests: Int { upstreamCount.load(ordering: .relaxed) }
    private let idle = NSCondition()

    public init(mode: Mode, authority: CertificateAuthority, log: @escaping @Sendable (String) -> Void) throws {
        self.mode = mode
        self.interceptor = try Interceptor(authority)
        self.log = log
    }

    /// Requests a replay could not answer, as `METHOD URL`.
    public var unrecordedRequests: [String] { state.withLock { $0.unrecorded } }

    /// Serves a listening socket (taking ownership) on a new thread until `stop`. `step` names
    /// the build step the connections belong to, in `ObservedExchange.step`.
    public func serve(listener: Int32, step: String? = nil) {
        let flags = fcntl(listener, F_GETFL)
        if flags >= 0 { _ = fcntl(listener, F_SETFL, flags & ~O_NONBLOCK) }
        _ = state.withLock { $0.listeners.insert(listener) }
        startThread { [self] in acceptLoop(listener, step: step) }
    }

    /// Listens on 127.0.0.1:`port` (0: any) of this process's network; returns the port.
    /// `step` names the connections' build step, as in `serve(listener:step:)`.
    public func listen(port: UInt16 = 0, step: String? = nil) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ReeError.system("make the proxy socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(fd, sp, len) == 0 && Glibc.listen(fd, 128) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        guard ok else {
            let e = errno
            close(fd)
            throw ReeError.system("listen on 127.0.0.1:\(port)", errno: e)
        }
        serve(listener: fd, step: step)
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Stops accepting, ends open client connections and waits for every thread, so all that
    /// was recorded is written when it returns. Blocks: call it off the concurrency pool.
    public func stopAndWait() {
        let (listeners, clients) = state.withLock { s -> (Set<Int32>, Set<Int32>) in
            let l = s.listeners
            s.listeners = []
            return (l, s.clients)
        }
        for fd in listeners { shutdown(fd, Int32(SHUT_RDWR)) }
        // Connections whose client is gone end by themselves; idle keep-alive ones are woken.
        for fd in clients { shutdown(fd, Int32(SHUT_RD)) }
        idle.lock()
        while state.withLock({ $0.threads }) > 0 { idle.wait() }
        idle.unlock()
    }

    /// `stopAndWait` on a dedicated thread.
    public func stop() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                stopAndWait()
                c.resume()
            }
        }
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.threads += 1 }
        let thread = Thread { [self] in
            body()
            idle.lock()
            state.withLock { $0.threads -= 1 }
            idle.broadcast()
            idle.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func acceptLoop(_ listener: Int32, step: String?) {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let accepted = state.withLock { s -> Bool in
                guard s.listeners.contains(listener) else { return false }
                s.clients.insert(fd)
                return true
            }
            guard accepted else { close(fd); return }
            startThread { [self] in
                serveConnection(fd, step: step)
                state.withLock { _ = $0.clients.remove(fd) }
                close(fd)
            }
        }
    }

    // MARK: - Connections

    private func serveConnection(_ fd: Int32, step: String?) {
        let plain = SocketStream(fd: fd)
        let session = Session(proxy: self, step: step)
        do {
            try serveRequests(BufferedReader(plain), stream: plain, origin: nil, fd: fd, session: session)
        } catch {
            log("proxy: connection ended: \(error)")
        }
    }

    /// Per-connection state: the upstream handle (kept for keep-alive) and the step it serves.
    final class Session {
        let proxy: RecordingProxy
        let step: String?
        var upstream: UpstreamClient?
        init(proxy: RecordingProxy, step: String?) {
            self.proxy = proxy
            self.step = step
        }
    }

    private func serveRequests(_ reader: BufferedReader, stream: ProxyStream, origin: String?, fd: Int32, session: Session) throws {
        while let headBytes = try reader.readHead() {
            let head = try HTTPHead.parse(headBytes)
            let parts = head.startParts
            guard parts.count == 3 else {
                try sendError(stream, status: "400 Bad Request", message: "malformed request line", close: true)
                return
            }
            let method = parts[0], target = parts[1], version = parts[2]
            if method == "CONNECT" {
                guard origin == nil else {
                    try sendError(stream, status: "400 Bad Request", message: "CONNECT inside CONNECT", close: true)
                    return
                }
                let (host, port) = Self.splitAuthority(target, defaultPort: 443)
                try stream.write(Array("HTTP/1.1 200 Connection Established\r\n\r\n".utf8))
                let tls = try interceptor.accept(fd: fd, host: host)
                let authority = port == 443 ? Self.bracketed(host) : "\(Self.bracketed(host)):\(port)"
                try serveRequests(BufferedReader(tls), stream: tls, origin: "https://" + authority, fd: fd, session: session)
                return
            }
            let url: String
            if let origin, target.hasPrefix("/") {
                url = origin + target
            } else if target.hasPrefix("http://") || target.hasPrefix("https://") {
                url = target
            } else {
                try sendError(stream, status: "400 Bad Request", message: "a proxy request needs an absolute URI, got '\(target)'", close: true)
                return
            }
            let body: [UInt8]
            do {
                body = try reader.readBody(head, limit: requestBodyLimit)
            } catch let e as ReeError where e.code == .limitExceeded {
                try sendError(stream, status: "413 Content Too Large", message: e.message, close: true)
                return
            }
            let connection = head.value("Connection")?.lowercased() ?? head.value("Proxy-Connection")?.lowercased() ?? ""
            let close = connection.contains("close") || (version == "HTTP/1.0" && !connection.contains("keep-alive"))
            let keep = try exchange(method: method, url: url, head: head, body: body, stream: stream, close: close, session: session)
            if !keep || close { return }
        }
    }

    /// The request as it goes upstream and into the recording: origin-form, no hop-by-hop fields.
    private static func upstreamRequest(method: String, url: String, head: HTTPHead) -> HTTPHead {
        var fields = head.fields.filter { !HTTPHead.hopByHop.contains($0.name.lowercased()) && !$0.name.lowercased().hasPrefix("proxy-") }
        var rest = Substring(url)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = rest[slash...].isEmpty ? "/" : String(rest[slash...])
        if !fields.contains(where: { $0.name.lowercased() == "host" }) { fields.insert(("Host", authority), at: 0) }
        return HTTPHead(startLine: "\(method) \(path) HTTP/1.1", fields: fields)
    }

    private func exchange(method: String, url: String, head: HTTPHead, body: [UInt8], stream: ProxyStream, close: Bool, session: Session) throws -> Bool {
        let request = Self.upstreamRequest(method: method, url: url, head: head)
        switch mode {
        case .replay(let recording):
            guard let response = recording.response(method: method, url: url, body: body, range: head.value("Range")) else {
                let what = "\(method) \(url)"
                state.withLock { $0.unrecorded.append(what) }
                log("unrecorded request: \(what)")
                try sendError(stream, status: "502 Bad Gateway", message: "ree recorder: unrecorded request: \(what)", close: close)
                return true
            }
            var out = response.head
            out.remove(["connection", "keep-alive", "transfer-encoding"])
            let bodyless = Self.isBodyless(method: method, head: out)
            if !bodyless {
                out.remove(["content-length"])
                out.fields.append(("Content-Length", String(response.payloadLength)))
            }
            if close { out.fields.append(("Connection", "close")) }
            try stream.write(out.bytes)
            if !bodyless {
                let fd = try FileDescriptor.open(response.payloadPath)
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
                defer { buffer.deallocate() }
                while true {
                    let n = try fd.read(into: buffer)
                    if n == 0 { break }
                    try stream.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
            }
            return true
        case .record(let writer, let configuration):
            if session.upstream == nil { session.upstream = try UpstreamClient(configuration) }
            guard let upstream = session.upstream else { return false }
            return try forward(method: method, url: url, request: request, body: body, stream: stream, close: close,
                               upstream: upstream, sink: .warc(writer), step: session.step)
        case .passThrough(let configuration, let observer):
            if session.upstream == nil { session.upstream = try UpstreamClient(configuration) }
            guard let upstream = session.upstream else { return false }
            return try forward(method: method, url: url, request: request, body: body, stream: stream, close: close,
                               upstream: upstream, sink: .observer(observer), step: session.step)
        }
    }

    /// Where a forwarded exchange goes besides the client.
    private enum ExchangeSink {
        case warc(WARCWriter)
        case observer(@Sendable (ObservedExchange) -> Void)
    }

    private func forward(method: String, url: String, request: HTTPHead, body: [UInt8], stream: ProxyStream, close: Bool,
                         upstream: UpstreamClient, sink: ExchangeSink, step: String?) throws -> Bool {
        var lines: [String] = []
        var finalHead: HTTPHead?
        // Set once the head went to the client; the spool exists only when recording.
        var started = false
        var spool: ResponseSpool?
        let digest = SHA256()
        var size: Int64 = 0
        var chunked = false
        var bodyless = false
        var failure: Error?

        func sendHead() throws {
            guard var recorded = finalHead else { return }
            recorded.remove(["transfer-encoding", "connection", "keep-alive"])
            bodyless = Self.isBodyless(method: method, head: recorded)
            var out = recorded
            if !bodyless && recorded.value("Content-Length") == nil {
                out.fields.append(("Transfer-Encoding", "chunked"))
                chunked = true
            }
            if close { out.fields.append(("Connection", "close")) }
            try stream.write(out.bytes)
            started = true
            if case .warc(let writer) = sink { spool = try ResponseSpool(head: recorded, directory: writer.spoolDirectory) }
        }

        let callbacks = UpstreamClient.Callbacks(header: { bytes in
            var trimmed = bytes[...]
            while let last = trimmed.last, last == 10 || last == 13 { trimmed = trimmed.dropLast() }
            let line = String(decoding: trimmed, as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                lines = [line]
            } else if line.isEmpty {
                guard !lines.isEmpty else { return true }
                let status = lines[0].split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                if status >= 100 && status < 200 { lines = []; return true }
                finalHead = try? HTTPHead.parse(Array(lines.joined(separator: "\r\n").utf8))
                lines = []
            } else if !lines.isEmpty {
                lines.append(line)
            }
            return true
        }, body: { buffer in
            do {
                if !started { try sendHead() }
                guard started, !bodyless else { return true }
                if chunked {
                    try stream.write(Array((String(buffer.count, radix: 16) + "\r\n").utf8))
                    try stream.write(buffer)
                    try stream.write(Array("\r\n".utf8))
                } else {
                    try stream.write(buffer)
                }
                try spool?.write(buffer)
                digest.update(buffer)
                size += Int64(buffer.count)
                return true
            } catch {
                failure = error
                return false
            }
        })
        let headers = request.fields.map { "\($0.name): \($0.value)" }
        upstreamCount.add(1, ordering: .relaxed)
        let outcome = upstream.perform(method: method, url: url, headers: headers, body: body, callbacks: callbacks)

        if outcome.curlCode != 0 || failure != nil {
            if started {
                // The client already has part of the answer: it can only be cut off.
                spool?.remove()
                log("proxy: \(method) \(url) failed after the response started: \(failure.map { "\($0)" } ?? outcome.error)")
                return false
            }
            let message = "ree recorder: upstream request failed: \(method) \(url): \(outcome.error)"
            log("upstream failed: \(method) \(url): \(outcome.error)")
            let bytes = Array((message + "\n").utf8)
            let head = HTTPHead(startLine: "HTTP/1.1 502 Bad Gateway", fields: [
                ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(bytes.count)),
                ("X-Ree-Upstream-Error", "curl \(outcome.curlCode)"),
            ])
            var out = head
            if close { out.fields.append(("Connection", "close")) }
            try stream.write(out.bytes)
            try stream.write(bytes)
            switch sink {
            case .warc(let writer):
                let failed = try ResponseSpool(head: head, directory: writer.spoolDirectory)
                try bytes.withUnsafeBytes { try failed.write($0) }
                defer { failed.remove() }
                try writer.write(RecordedExchange(url: url, method: method, request: request, requestBody: body, response: failed))
            case .observer(let observer):
                observer(ObservedExchange(step: step, method: method, url: url, status: 502, sha256: SHA256.hex(bytes), size: Int64(bytes.count)))
            }
            return true
        }
        if !started {
            guard finalHead != nil else {
                try sendError(stream, status: "502 Bad Gateway", message: "ree recorder: no response from upstream for \(method) \(url)", close: true)
                return false
            }
            try sendHead()
        }
        if chunked && !bodyless { try stream.write(Array("0\r\n\r\n".utf8)) }
        switch sink {
        case .warc(let writer):
            guard let spool else { return false }
            defer { spool.remove() }
            try writer.write(RecordedExchange(url: url, method: method, request: request, requestBody: body, response: spool))
        case .observer(let observer):
            let status = finalHead.flatMap { $0.startParts.count > 1 ? Int($0.startParts[1]) : nil } ?? 0
            observer(ObservedExchange(step: step, method: method, url: url, status: status, sha256: digest.finalizeHex(), size: size))
        }
        return true
    }

    private static func isBodyless(method: String, head: HTTPHead) -> Bool {
        let status = head.startParts.count > 1 ? Int(head.startParts[1]) ?? 0 : 0
        return method == "HEAD" || status == 204 || status == 304 || (status >= 100 && status < 200)
    }

    private func sendError(_ stream: ProxyStream, status: String, message: String, close: Bool) throws {
        let body = Array((message + "\n").utf8)
        var head = HTTPHead(startLine: "HTTP/1.1 \(status)", fields: [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.count)),
        ])
        if close { head.fields.append(("Connection", "close")) }
        try stream.write(head.bytes + body)
    }

    static func splitAuthority(_ authority: String, defaultPort: Int) -> (String, Int) {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<end])
            let rest = authority[authority.index(after: end)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
        }
        if let colon = authority.lastIndex(of: ":") {
            return (String(authority[..<colon]), Int(authority[authority.index(after: colon)...]) ?? defaultPort)
        }
        return (authority, defaultPort)
    }

    static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
