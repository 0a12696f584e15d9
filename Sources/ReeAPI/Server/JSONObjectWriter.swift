import NIOCore

/// A flat JSON object of string (or null) members, written straight into a `ByteBuffer`: the status
/// route answers most requests, and `JSONEncoder` cost more than the rest of its handler. The output
/// is byte for byte what `APIJSON.encode` writes (sorted keys, slashes unescaped), provided the
/// members come in sorted order; the tests compare the two.
struct JSONObjectWriter {
    private var buffer: ByteBuffer
    private var empty = true

    init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        buffer.writeInteger(UInt8(ascii: "{"))
    }

    /// Appends `"key":"value"`, or `"key":null` for nil. Keys are plain ASCII names.
    mutating func member(_ key: StaticString, _ value: String?) {
        if !empty { buffer.writeInteger(UInt8(ascii: ",")) }
        empty = false
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeInteger(UInt8(ascii: ":"))
        if let value { writeString(value) } else { buffer.writeStaticString("null") }
    }

    /// The finished object.
    consuming func finish() -> ByteBuffer {
        buffer.writeInteger(UInt8(ascii: "}"))
        return buffer
    }

    /// A JSON string with the escapes `JSONEncoder` uses: `\"`, `\\`, `\b \f \n \r \t`, `\u00xx` for other
    /// control characters; everything else, non-ASCII included, as UTF-8.
    private mutating func writeString(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0c: buffer.writeStaticString("\\f")
                case 0x0a: buffer.writeStaticString("\\n")
                case 0x0d: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0xf)])
                }
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
