import CReeProxy
import ReeOS

/// SHA-1 in base32, the form warcio writes in `WARC-Block-Digest` and `WARC-Payload-Digest`.
final class SHA1Base32 {
    private let state: OpaquePointer
    init() { state = ree_sha1_new() }
    deinit { ree_sha1_free(state) }
    func update(_ buffer: UnsafeRawBufferPointer) { ree_sha1_update(state, buffer.baseAddress, buffer.count) }
    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
    /// `sha1:BASE32`.
    func finalize() -> String {
        var out = [CChar](repeating: 0, count: 33)
        ree_sha1_base32(state, &out)
        return "sha1:" + String(cString: out)
    }
    static func digest(_ bytes: [UInt8]) -> String {
        let d = SHA1Base32()
        d.update(bytes)
        return d.finalize()
    }
}
