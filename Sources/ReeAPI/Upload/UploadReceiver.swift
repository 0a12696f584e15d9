import Foundation
import Hummingbird
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// A form that arrived: its text fields, and its `file` written to disk.
struct ReceivedUpload {
    var fields: [String: String]
    /// A temporary file in the service's uploads directory; the caller moves or removes it.
    var filePath: String?
    var fileBytes: Int64
}

/// Streams a multipart request body to disk: the `file` part goes straight to a file and is
/// counted as it arrives, so no upload is ever held in memory and one over the limit stops at the limit.
enum UploadReceiver {
    static let maxFieldBytes = 4096
    /// Bytes read and dropped after the limit was hit, so that the client sees the 413 rather than a reset.
    static let drainBytes: Int64 = 64 << 20

    static func receive(_ request: Request, uploadsDirectory: String, maxFileBytes: Int64) async throws -> ReceivedUpload {
        let boundary = try MultipartParser.boundary(fromContentType: request.headers[.contentType])
        var parser = MultipartParser(boundary: boundary)
        var fields: [String: String] = [:]
        var file: FileDescriptor?
        var filePath: String?
        var fileBytes: Int64 = 0
        var current: MultipartParser.PartHeaders?
        var fieldValue: [UInt8] = []
        var tooLarge = false
        var dropped: Int64 = 0
        var completed = false
        defer {
            if !completed, let filePath { unlink(filePath) }
        }

        for try await chunk in request.body {
            if tooLarge {
                dropped += Int64(chunk.readableBytes)
                if dropped > drainBytes { break }
                continue
            }
            let events = try parser.feed(chunk.readableBytesView)
            for event in events {
                switch event {
                case .begin(let headers):
                    current = headers
                    fieldValue = []
                    if headers.name == "file" {
                        guard file == nil else { throw ReeError(.invalidInput, "the form field 'file' appears more than once") }
                        let fd = try FileSystem.makeTemporaryFile(in: uploadsDirectory, prefix: "upload-")
                        file = fd
                        filePath = fd.path
                    }
                case .data(let bytes):
                    if current?.name == "file", let file {
                        fileBytes += Int64(bytes.count)
                        if fileBytes > maxFileBytes {
                            tooLarge = true
                            break
                        }
                        try file.writeAll(bytes)
                    } else {
                        fieldValue.append(contentsOf: bytes)
                        if fieldValue.count > maxFieldBytes {
                            throw ReeError(.invalidInput, "the form field '\(current?.name ?? "")' is longer than \(maxFieldBytes) bytes")
                        }
                    }
                case .end:
                    if let name = current?.name, name != "file" {
                        guard fields[name] == nil else { throw ReeError(.invalidInput, "the form field '\(name)' appears more than once") }
                        fields[name] = String(decoding: fieldValue, as: UTF8.self)
                    }
                    current = nil
                }
                if tooLarge { break }
            }
        }
        if tooLarge {
            throw ReeError(.limitExceeded, "the upload is larger than the limit of \(maxFileBytes) bytes")
        }
        try parser.finish()
        try file?.close()
        completed = true
        return ReceivedUpload(fields: fields, filePath: filePath, fileBytes: fileBytes)
    }
}
