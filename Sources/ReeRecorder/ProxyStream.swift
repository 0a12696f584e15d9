import CReeProxy
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// One side of a proxied connection: a plain socket or TLS over it.
protocol ProxyStream: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func write(_ buffer: UnsafeRawBufferPointer) throws
}

extension ProxyStream {
    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

final class SocketStream: ProxyStream {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return 0 }
            throw ReeError.system("read from the proxy client")
        }
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw ReeError.system("write to the proxy client")
            }
            offset += n
        }
    }
}

final class TLSStream: ProxyStream {
    let ssl: UnsafeMutableRawPointer
    init(ssl: UnsafeMutableRawPointer) { self.ssl = ssl }
    deinit { ree_tls_close(ssl) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = ree_tls_read(ssl, buffer.baseAddress, buffer.count)
        if n < 0 { return 0 }  // a TLS error ends the connection like EOF
        return n
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        if ree_tls_write(ssl, buffer.baseAddress, buffer.count) != 0 {
            throw ReeError(.system, "failed to write to the proxy client over TLS")
        }
    }
}

/// Reads heads, lines and counted bodies from a stream through one buffer.
final class BufferedReader {
    let stream: ProxyStream
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0, end = 0

    init(_ stream: ProxyStream) { self.stream = stream }

    private func fill() throws -> Bool {
        if start == end { start = 0; end = 0 }
        if end == buffer.count {
            if start > 0 {
                buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
                end -= start
                start = 0
            } else {
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
        }
        let n = try buffer.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        end += n
        return n > 0
    }

    /// Bytes up to and including the first CRLFCRLF; nil at a clean end of stream.
    func readHead(limit: Int = 256 * 1024) throws -> [UInt8]? {
        var scanned = start
        while true {
            var i = max(start, scanned - 3)
            while i + 3 < end {
                if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                    let head = Array(buffer[start..<(i + 4)])
                    start = i + 4
                    return head
                }
                i += 1
            }
            scanned = end
            if end - start > limit { throw ReeError(.limitExceeded, "HTTP head longer than \(limit) bytes") }
            let before = end - start
            guard try fill() else {
                if before == 0 { return nil }
                throw ReeError(.invalidInput, "connection closed inside an HTTP head")
            }
            scanned = start + before
        }
    }

    /// One line without its CRLF.
    func readLine(limit: Int = 16 * 1024) throws -> String {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: 10) {
                var line = Array(buffer[start..<nl])
                if line.last == 13 { line.removeLast() }
                start = nl + 1
                return String(decoding: line, as: UTF8.self)
            }
            if end - start > limit { throw ReeError(.limitExceeded, "line longer than \(limit) bytes") }
            guard try fill() else { throw ReeError(.invalidInput, "connection closed inside a line") }
        }
    }

    /// Exactly `count` bytes appended to `into`.
    func read(count: Int, into out: inout [UInt8]) throws {
        var left = count
        while left > 0 {
            if start == end { guard try fill() else { throw ReeError(.invalidInput, "connection closed inside a body") } }
            let n = min(left, end - start)
            out += buffer[start..<(start + n)]
            start += n
            left -= n
        }
    }

    /// A request body by its framing (Content-Length or chunked), at most `limit` bytes.
    func readBody(_ head: HTTPHead, limit: Int) throws -> [UInt8] {
        var body: [UInt8] = []
        if let te = head.value("Transfer-Encoding"), te.lowercased().contains("chunked") {
            while true {
                let line = try readLine()
                let size = Int(line.split(separator: ";").first.map { String($0).trimmingSpaces } ?? "", radix: 16) ?? -1
                guard size >= 0 else { throw ReeError(.invalidInput, "bad chunk size '\(line)'") }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    return body
                }
                guard body.count + size <= limit else { throw ReeError(.limitExceeded, "request body over \(limit) bytes") }
                try read(count: size, into: &body)
                _ = try readLine()
            }
        }
        if let cl = head.value("Content-Length") {
            guard let n = Int(cl), n >= 0 else { throw ReeError(.invalidInput, "bad Content-Length '\(cl)'") }
            guard n <= limit else { throw ReeError(.limitExceeded, "request body over \(limit) bytes") }
            try read(count: n, into: &body)
        }
        return body
    }
}

extension BufferedReader {
    /// Streams exactly `count` bytes to `body` in pieces.
    func stream(count: Int64, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var left = count
        var piece: [UInt8] = []
        piece.reserveCapacity(1 << 16)
        while left > 0 {
            piece.removeAll(keepingCapacity: true)
            let n = Int(min(left, 1 << 16))
            try read(count: n, into: &piece)
            try piece.withUnsafeBytes { try body($0) }
            left -= Int64(n)
        }
    }
}
