import CSQLite
import Foundation
import ReeOS

/// Process metadata in SQLite (`$REE_HOME/ree.sqlite`, WAL mode). Every call is short; one
/// connection serialised by a lock is enough for the request rates of a build service.
public final class ProcessDatabase: @unchecked Sendable {
    private let db: OpaquePointer
    private let lock = NSLock()
    public let path: String

    public init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close(handle) }
            throw ReeError(.system, "failed to open database '\(path)': \(message)")
        }
        db = handle
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("""
            CREATE TABLE IF NOT EXISTS processes (
                uuid TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                tag TEXT,
                dockerfile TEXT,
                owner TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at REAL NOT NULL,
                started_at REAL,
                finished_at REAL,
                error TEXT
            )
            """)
        try execute("CREATE INDEX IF NOT EXISTS processes_status ON processes(status, created_at)")
    }

    deinit { sqlite3_close_v2(db) }

    /// The journal mode in force (`wal` once opened).
    public func journalMode() throws -> String {
        try query("PRAGMA journal_mode", []) { row in row.text(0) ?? "" }.first ?? ""
    }

    public func insert(_ record: ProcessRecord) throws {
        try run("""
            INSERT INTO processes (uuid, kind, tag, dockerfile, owner, status, created_at, started_at, finished_at, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(record.id.rawValue), .text(record.kind.rawValue), .optionalText(record.tag),
                  .optionalText(record.dockerfile), .text(record.owner), .text(record.status.rawValue),
                  .real(record.createdAt.timeIntervalSince1970), .optionalReal(record.startedAt?.timeIntervalSince1970),
                  .optionalReal(record.finishedAt?.timeIntervalSince1970), .optionalText(record.error)])
    }

    /// Writes status, times and error of `record`.
    public func update(_ record: ProcessRecord) throws {
        try run("UPDATE processes SET status = ?, started_at = ?, finished_at = ?, error = ? WHERE uuid = ?",
                [.text(record.status.rawValue), .optionalReal(record.startedAt?.timeIntervalSince1970),
                 .optionalReal(record.finishedAt?.timeIntervalSince1970), .optionalText(record.error),
                 .text(record.id.rawValue)])
    }

    public func record(_ id: ProcessID) throws -> ProcessRecord? {
        try query("SELECT \(Self.columns) FROM processes WHERE uuid = ?", [.text(id.rawValue)], Self.decode).first
    }

    /// Processes with `status`, oldest first.
    public func records(status: ProcessStatus) throws -> [ProcessRecord] {
        try query("SELECT \(Self.columns) FROM processes WHERE status = ? ORDER BY created_at, rowid",
                  [.text(status.rawValue)], Self.decode)
    }

    private static let columns = "uuid, kind, tag, dockerfile, owner, status, created_at, started_at, finished_at, error"

    private static func decode(_ row: Row) throws -> ProcessRecord {
        guard let uuid = row.text(0), let id = try? ProcessID(uuid),
              let kind = row.text(1).flatMap(ProcessKind.init(rawValue:)),
              let owner = row.text(4), let status = row.text(5).flatMap(ProcessStatus.init(rawValue:)) else {
            throw ReeError(.corrupt, "failed to read a process from the database: unexpected values")
        }
        return ProcessRecord(id: id, kind: kind, tag: row.text(2), dockerfile: row.text(3), owner: owner, status: status,
                             createdAt: Date(timeIntervalSince1970: row.real(6) ?? 0),
                             startedAt: row.real(7).map(Date.init(timeIntervalSince1970:)),
                             finishedAt: row.real(8).map(Date.init(timeIntervalSince1970:)),
                             error: row.text(9))
    }

    // MARK: SQLite plumbing

    enum Value {
        case text(String), real(Double), null
        static func optionalText(_ s: String?) -> Value { s.map(Value.text) ?? .null }
        static func optionalReal(_ d: Double?) -> Value { d.map(Value.real) ?? .null }
    }

    struct Row {
        let statement: OpaquePointer
        func text(_ i: Int32) -> String? {
            guard sqlite3_column_type(statement, i) != SQLITE_NULL, let p = sqlite3_column_text(statement, i) else { return nil }
            return String(cString: p)
        }
        func real(_ i: Int32) -> Double? {
            sqlite3_column_type(statement, i) == SQLITE_NULL ? nil : sqlite3_column_double(statement, i)
        }
    }

    private func failure(_ verb: String) -> ReeError {
        ReeError(.system, "failed to \(verb) in database '\(path)': \(String(cString: sqlite3_errmsg(db)))")
    }

    private func execute(_ sql: String) throws {
        lock.lock()
        defer { lock.unlock() }
        if sqlite3_exec(db, sql, nil, nil, nil) != SQLITE_OK { throw failure("execute a statement") }
    }

    private func run(_ sql: String, _ values: [Value]) throws {
        _ = try query(sql, values) { _ in () }
    }

    private func query<T>(_ sql: String, _ values: [Value], _ decode: (Row) throws -> T) throws -> [T] {
        lock.lock()
        defer { lock.unlock() }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure("prepare a statement") }
        defer { sqlite3_finalize(statement) }
        // SQLITE_TRANSIENT: SQLite copies the bytes before we return.
        let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .text(let s): sqlite3_bind_text(statement, index, s, -1, transient)
            case .real(let d): sqlite3_bind_double(statement, index, d)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        var rows: [T] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw failure("run a statement") }
            rows.append(try decode(Row(statement: statement)))
        }
    }
}
