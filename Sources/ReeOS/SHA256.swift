import CCrypto

/// Streaming SHA-256 over OpenSSL's EVP interface (the same code `openssl dgst` runs).
public final class SHA256 {
    private let context: OpaquePointer

    public init() {
        // EVP_MD_CTX_new only fails when out of memory; there is nothing sensible to do then.
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    public func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hex characters; the hasher starts over afterwards.
    public func finalizeHex() -> String {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        return hexString(out)
    }

    public static func hex(_ bytes: some ContiguousBytes) -> String {
        let h = SHA256()
        h.update(bytes)
        return h.finalizeHex()
    }
}

/// Contiguous bytes without Foundation: arrays, slices and raw buffers.
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}
extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

public func hexString(_ bytes: [UInt8]) -> String {
    var chars = [UInt8]()
    chars.reserveCapacity(bytes.count * 2)
    for b in bytes {
        chars.append(hexDigits[Int(b >> 4)])
        chars.append(hexDigits[Int(b & 0xf)])
    }
    return String(decoding: chars, as: UTF8.self)
}
