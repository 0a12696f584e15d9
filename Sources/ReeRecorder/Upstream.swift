import CReeProxy
import ReeOS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where the recording proxy fetches from: libcurl, one easy handle per client connection
/// (so keep-alive to the origin is reused), the host's trust store, no redirects followed,
/// no content decoding.
public struct UpstreamConfiguration: Sendable {
    /// The CA bundle that verifies origins (the host's system bundle).
    public var caFile: String = "/etc/ssl/certs/ca-certificates.crt"
    public init() {}
}

/// Counts connections-worth of upstream activity: a replay must leave it at zero.
public enum UpstreamCounter {
    static let count = Atomic<Int>(0)
    /// How many upstream requests this process has made.
    public static var requests: Int { count.load(ordering: .relaxed) }
}

/// One upstream request's outcome.
struct UpstreamOutcome {
    var curlCode: Int32
    var error: String
}

final class UpstreamClient {
    private let handle: OpaquePointer
    let configuration: UpstreamConfiguration

    init(_ configuration: UpstreamConfiguration) throws {
        guard let h = ree_fetch_new() else { throw ReeError(.system, "failed to start libcurl") }
        handle = h
        self.configuration = configuration
    }

    deinit { ree_fetch_free(handle) }

    final class Callbacks {
        let header: ([UInt8]) -> Bool
        let body: (UnsafeRawBufferPointer) -> Bool
        init(header: @escaping ([UInt8]) -> Bool, body: @escaping (UnsafeRawBufferPointer) -> Bool) {
            self.header = header
            self.body = body
        }
    }

    /// Performs one request; header lines and body bytes go to the callbacks (returning false aborts).
    func perform(method: String, url: String, headers: [String], body: [UInt8], callbacks: Callbacks) -> UpstreamOutcome {
        UpstreamCounter.count.add(1, ordering: .relaxed)
        var err = [CChar](repeating: 0, count: 512)
        let context = Unmanaged.passUnretained(callbacks).toOpaque()
        let cStrings = headers.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        let rc = pointers.withUnsafeBufferPointer { hp in
            body.withUnsafeBytes { bp in
                ree_fetch_perform(handle, method, url, hp.baseAddress, hp.count, bp.baseAddress, bp.count, configuration.caFile, context,
                                  { ctx, data, n in
                                      let cb = Unmanaged<Callbacks>.fromOpaque(ctx!).takeUnretainedValue()
                                      let bytes = Array(UnsafeRawBufferPointer(start: data, count: n))
                                      return cb.header(bytes) ? n : 0
                                  },
                                  { ctx, data, n in
                                      let cb = Unmanaged<Callbacks>.fromOpaque(ctx!).takeUnretainedValue()
                                      return cb.body(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
                                  }, &err, err.count)
            }
        }
        return UpstreamOutcome(curlCode: rc, error: String(cString: err))
    }
}
