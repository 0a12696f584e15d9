import CReeProxy
import Foundation
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// `ADD <URL>`'s download: libcurl on a dedicated thread (never the concurrency pool), the body
/// streamed into a temporary file with a size limit, then hashed. Through the step network's host
/// proxy when there is one (the recorder), else directly from the host as buildah does.
struct URLFetcher {
    /// A downloaded body, owned by the caller (remove `path` when done with it).
    struct Fetched: Sendable {
        let url: String
        let path: String
        let size: Int64
        /// Hex SHA-256 of the body.
        let sha256: String
        /// The response's Last-Modified (seconds since the epoch), when it had one.
        let lastModified: Int64?
    }

    var proxy: HostProxy?
    var limit: Int64

    /// Fetches `url` into a new file in `directory`. An HTTP error status, a connection failure or a
    /// body over the limit throws, naming the URL.
    func fetch(_ url: String, into directory: String) async throws -> Fetched {
        let file = try FileSystem.makeTemporaryFile(in: directory, prefix: "download-")
        let path = file.path
        do {
            let outcome = await Self.perform(url: url, proxy: proxy, fd: file.rawValue, limit: limit)
            try file.close()
            let (rc, result, message) = outcome
            if rc != 0 {
                let via = proxy.map { " (through the proxy \($0.url))" } ?? ""
                throw ReeError(result.too_large != 0 ? .limitExceeded : .system, "failed to fetch '\(url)'\(via): \(message)")
            }
            guard result.status >= 200 && result.status < 300 else {
                throw ReeError(Self.code(for: result.status), "failed to fetch '\(url)': HTTP status \(result.status)\(try Self.reason(path, status: result.status))")
            }
            return Fetched(url: url, path: path, size: Int64(result.size), sha256: try Self.sha256(of: path),
                           lastModified: result.last_modified >= 0 ? Int64(result.last_modified) : nil)
        } catch {
            try? FileSystem.removeTree(path)
            throw error
        }
    }

    private static func code(for status: Int) -> ReeError.Code { status == 404 || status == 410 ? .notFound : .system }

    /// The first line of an error body the recorder wrote (it names an unrecorded request or the
    /// upstream failure); nothing for bodies an origin sent, which may be pages of HTML.
    private static func reason(_ path: String, status: Int) throws -> String {
        guard status == 502 else { return "" }
        let fd = try FileDescriptor.open(path)
        let head = try fd.readToEnd(limit: 512)
        let line = String(decoding: head.prefix { $0 != 10 }, as: UTF8.self)
        return line.hasPrefix("ree recorder:") ? " (\(line))" : ""
    }

    private static func perform(url: String, proxy: HostProxy?, fd: Int32, limit: Int64) async -> (Int32, ree_download_result, String) {
        await withCheckedContinuation { (c: CheckedContinuation<(Int32, ree_download_result, String), Never>) in
            Thread.detachNewThread {
                var result = ree_download_result()
                var err = [CChar](repeating: 0, count: 512)
                let rc = ree_download(url, proxy?.url, proxy?.caFile, fd, limit, &result, &err, err.count)
                c.resume(returning: (rc, result, String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
            }
        }
    }

    static func sha256(of path: String) throws -> String {
        let fd = try FileDescriptor.open(path)
        let hash = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try fd.read(into: buffer)
            if n == 0 { break }
            hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hash.finalizeHex()
    }
}
