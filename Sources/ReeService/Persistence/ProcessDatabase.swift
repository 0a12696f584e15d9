import CSQLite
import Foundation
import ReeOS
import Synchronization

/// Process metadata in SQLite (`$REE_HOME/ree.sqlite`, WAL mode). Every call is short; one
/// connection serialised by a lock is enough for the write rates of a build service.
///
/// Reads of one process (every status request makes one) come from an in-memory index of the
/// records read or written through this object. It stays coherent because every write goes through
/// `insert` and `update`, which change the index while they still hold the connection, and a server
/// is the only writer of its `$REE_HOME`.
public final class ProcessDatabase: @unchecked Sendable {
    private let db: OpaquePointer
    /// Serialises the connection; taken before `index` whenever both are held.
    private let lock = NSLock()
    private let index: Mutex<RecordIndex>
    public let path: String

    /// `indexCapacity`: records kept in memory; beyond it, entries are dropped and read again when asked for.
    public init(path: String, indexCapacity: Int = 100_000) throws {
        self.path = path
        index = Mutex(RecordIndex(capacity: indexCapacity))
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
        try withConnection {
            try runLocked("""
            INSERT INTO processes (uuid, kind, tag, dockerfile, owner, status, created_at, started_at, finished_at, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(record.id.rawValue), .text(record.kind.rawValue), .optionalText(record.tag),
                  .optionalText(record.dockerfile), .text(record.owner), .text(record.status.rawValue),
                  .real(record.createdAt.timeIntervalSince1970), .optionalReal(record.startedAt?.timeIntervalSince1970),
                  .optionalReal(record.finishedAt?.timeIntervalSince1970), .optionalText(record.error)])
            index.withLock { $0.store(Self.asStored(record)) }
        }
    }

    /// Writes status, times and error of `record`.
    public func update(_ record: ProcessRecord) throws {
        try withConnection {
            try runLocked("UPDATE processes SET status = ?, started_at = ?, finished_at = ?, error = ? WHERE uuid = ?",
                          [.text(record.status.rawValue), .optionalReal(record.startedAt?.timeIntervalSince1970),
                           .optionalReal(record.finishedAt?.timeIntervalSince1970), .optionalText(record.error),
                           .text(record.id.rawValue)])
            // Only the columns written above: the index then holds what a read from SQLite would give.
            index.withLock { index in
                guard var stored = index.lookup(record.id) else { return }
                stored.status = record.status
                stored.startedAt = Self.asStored(record.startedAt)
                stored.finishedAt = Self.asStored(record.finishedAt)
                stored.error = record.error
                index.store(stored)
            }
        }
    }

    /// The process `id`, from memory when it was read or written before.
    public func record(_ id: ProcessID) throws -> ProcessRecord? {
        if let record = index.withLock({ $0.lookup(id) }) { return record }
        // Read and remember while holding the connection, so no write can slip in between.
        return try withConnection {
            let record = try queryLocked("SELECT \(Self.columns) FROM processes WHERE uuid = ?", [.text(id.rawValue)], Self.decode).first
            if let record { index.withLock { $0.store(record) } }
            return record
        }
    }

    /// Processes with `status`, oldest first.
    public func records(status: ProcessStatus) throws -> [ProcessRecord] {
        try query("SELECT \(Self.columns) FROM processes WHERE status = ? ORDER BY created_at, rowid",
                  [.text(status.rawValue)], Self.decode)
    }

    /// `record` as a read gives it back: times pass through REAL seconds since 1970.
    private static func asStored(_ record: ProcessRecord) -> ProcessRecord {
        var copy = record
        copy.createdAt = Date(timeIntervalSince1970: record.createdAt.timeIntervalSince1970)
        copy.startedAt = asStored(record.startedAt)
        copy.finishedAt = asStored(record.finishedAt)
        return copy
    }

    private static func asStored(_ date: Date?) -> Date? {
        date.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) }
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

    private func withConnection<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func execute(_ sql: String) throws {
        try withConnection {
            if sqlite3_exec(db, sql, nil, nil, nil) != SQLITE_OK { throw failure("execute a statement") }
        }
    }

    private func runLocked(_ sql: String, _ values: [Value]) throws {
        _ = try queryLocked(sql, values) { _ in () }
    }

    private func query<T>(_ sql: String, _ values: [Value], _ decode: (Row) throws -> T) throws -> [T] {
        try withConnection { try queryLocked(sql, values, decode) }
    }

    private func queryLocked<T>(_ sql: String, _ values: [Value], _ decode: (Row) throws -> T) throws -> [T] {
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

/// The records `ProcessDatabase` has read or written, by id, at most `capacity` of them.
struct RecordIndex: ~Copyable {
    private var records: [ProcessID: ProcessRecord] = [:]
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func lookup(_ id: ProcessID) -> ProcessRecord? { records[id] }

    mutating func store(_ record: ProcessRecord) {
        if records[record.id] == nil, records.count >= capacity {
            // Any entry will do: a dropped record is read from SQLite again when asked for.
            records.remove(at: records.startIndex)
        }
        records[record.id] = record
    }
}
