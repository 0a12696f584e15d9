import Foundation

/// Everything ree keeps about one process besides its files.
public struct ProcessRecord: Sendable, Equatable {
    public var id: ProcessID
    public var kind: ProcessKind
    /// The client's label for the process, if it gave one.
    public var tag: String?
    /// The Dockerfile's path inside the project (recording-define only).
    public var dockerfile: String?
    /// The authenticated user who started it: only they can see it.
    public var owner: String
    public var status: ProcessStatus
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why it failed, one line; the log has the details.
    public var error: String?

    public init(id: ProcessID, kind: ProcessKind, tag: String?, dockerfile: String?, owner: String,
                status: ProcessStatus = .queued, createdAt: Date = Date(), startedAt: Date? = nil,
                finishedAt: Date? = nil, error: String? = nil) {
        self.id = id
        self.kind = kind
        self.tag = tag
        self.dockerfile = dockerfile
        self.owner = owner
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
    }
}
