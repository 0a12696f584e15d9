import NIOCore
import ReeService

/// `POST /api/recording/create`, `/api/recording/build`, `/api/replay/create`, `/api/sbom/define`.
struct ProcessCreatedResponse: Encodable {
    var uuid: String
    var tag: String?
    var statusEndpoint: String

    init(_ record: ProcessRecord) {
        uuid = record.id.rawValue
        tag = record.tag
        statusEndpoint = "/api/process/status/\(record.id)"
    }

    enum CodingKeys: String, CodingKey {
        case uuid, tag
        case statusEndpoint = "status_endpoint"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uuid, forKey: .uuid)
        try container.encode(tag, forKey: .tag) // null when absent, as the API document shows
        try container.encode(statusEndpoint, forKey: .statusEndpoint)
    }

    /// The same JSON as `APIJSON.encode(self)`, without `JSONEncoder`.
    var json: ByteBuffer {
        var writer = JSONObjectWriter()
        writer.member("status_endpoint", statusEndpoint)
        writer.member("tag", tag)
        writer.member("uuid", uuid)
        return writer.finish()
    }
}

/// `GET /api/process/status/<uuid>`.
struct ProcessStatusResponse: Encodable {
    var downloadLogEndpoint: String
    var downloadEndpoint: String
    var uuid: String
    var tag: String?
    var status: String

    init(_ record: ProcessRecord) {
        downloadLogEndpoint = "/api/log/download/\(record.id)"
        downloadEndpoint = "/api/process/download/\(record.id)"
        uuid = record.id.rawValue
        tag = record.tag
        status = record.status.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case downloadLogEndpoint = "download_log_endpoint"
        case downloadEndpoint = "download_endpoint"
        case uuid, tag, status
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(downloadLogEndpoint, forKey: .downloadLogEndpoint)
        try container.encode(downloadEndpoint, forKey: .downloadEndpoint)
        try container.encode(uuid, forKey: .uuid)
        try container.encode(tag, forKey: .tag)
        try container.encode(status, forKey: .status)
    }

    /// The same JSON as `APIJSON.encode(self)`, without `JSONEncoder` (this route answers most requests).
    var json: ByteBuffer {
        var writer = JSONObjectWriter()
        writer.member("download_endpoint", downloadEndpoint)
        writer.member("download_log_endpoint", downloadLogEndpoint)
        writer.member("status", status)
        writer.member("tag", tag)
        writer.member("uuid", uuid)
        return writer.finish()
    }
}

/// One entry of `GET /api/image/list`.
struct ImageListEntry: Encodable {
    var name: String
    var downloadEndpoint: String

    enum CodingKeys: String, CodingKey {
        case name
        case downloadEndpoint = "download_endpoint"
    }
}
