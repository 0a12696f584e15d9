import Foundation
import ReeOS
import ReeService
import ReeTestSupport
import Testing

@Suite("Process records: ids and the in-memory index over SQLite")
struct ProcessDatabaseTests {
    @Test("A process id accepts any UUID spelling, is kept lower-case, and anything else names no process", arguments: [
        ("bd4765b4-3ffb-412f-96ad-fc634b72abbd", "bd4765b4-3ffb-412f-96ad-fc634b72abbd"),
        ("BD4765B4-3FFB-412F-96AD-FC634B72ABBD", "bd4765b4-3ffb-412f-96ad-fc634b72abbd"),
        ("bd4765b4-3FFB-412f-96AD-fc634b72abbd", "bd4765b4-3ffb-412f-96ad-fc634b72abbd"),
    ])
    func processIDSpellings(_ raw: String, _ canonical: String) throws {
        #expect(try ProcessID(raw).rawValue == canonical)
        #expect(try ProcessID(raw).rawValue == UUID(uuidString: raw)?.uuidString.lowercased())
    }

    // "+d4765b4-..." and " d4765b4-..." passed Foundation's UUID(uuidString:) (its sscanf reads a sign and
    // blanks) and named the process 0d4765b4-...; they are not UUIDs.
    @Test("Malformed process ids are not found", arguments: [
        "", "bd4765b4", "bd4765b4-3ffb-412f-96ad-fc634b72abb", "bd4765b4-3ffb-412f-96ad-fc634b72abbdd",
        "bd4765b4_3ffb-412f-96ad-fc634b72abbd", "gd4765b4-3ffb-412f-96ad-fc634b72abbd", "bd4765b4-3ffb-412f-96ad-fc634b72abb\u{e9}",
        "+d4765b4-3ffb-412f-96ad-fc634b72abbd", " d4765b4-3ffb-412f-96ad-fc634b72abbd", "../../../../../../../../../../etc/pw",
    ])
    func malformedProcessIDs(_ raw: String) {
        let error = #expect(throws: ReeError.self) { try ProcessID(raw) }
        #expect(error?.code == .notFound)
    }

    @Test("Reads come from memory and see every write; another connection sees the same rows in SQLite")
    func indexStaysCoherent() throws {
        let home = try makeTemporaryDirectory(prefix: "ree-db")
        let database = try ProcessDatabase(path: home + "/ree.sqlite")
        var record = ProcessRecord(id: ProcessID(), kind: .recordingDefine, tag: "t", dockerfile: "Dockerfile", owner: "alice")
        try database.insert(record)
        #expect(try database.record(record.id) == Self.roundTripped(record))
        record.status = .running
        record.startedAt = Date()
        try database.update(record)
        #expect(try database.record(record.id)?.status == .running)
        record.status = .failed
        record.error = "why"
        record.finishedAt = Date()
        try database.update(record)

        let other = try ProcessDatabase(path: home + "/ree.sqlite")
        #expect(try other.record(record.id) == Self.roundTripped(record))
        #expect(try database.record(record.id) == Self.roundTripped(record))
        #expect(try database.record(ProcessID()) == nil)
    }

    @Test("Beyond its capacity the index drops entries, and they are read from SQLite again")
    func indexCapacity() throws {
        let home = try makeTemporaryDirectory(prefix: "ree-db")
        let database = try ProcessDatabase(path: home + "/ree.sqlite", indexCapacity: 3)
        var records: [ProcessRecord] = []
        for i in 0..<10 {
            let record = ProcessRecord(id: ProcessID(), kind: .sbomDefine, tag: "t\(i)", dockerfile: nil, owner: "bob")
            try database.insert(record)
            records.append(record)
        }
        for var record in records {
            #expect(try database.record(record.id) == Self.roundTripped(record))
            record.status = .processed
            try database.update(record)
            #expect(try database.record(record.id)?.status == .processed)
        }
    }

    /// What SQLite gives back: times as REAL seconds.
    static func roundTripped(_ record: ProcessRecord) -> ProcessRecord {
        var copy = record
        copy.createdAt = Date(timeIntervalSince1970: record.createdAt.timeIntervalSince1970)
        copy.startedAt = record.startedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) }
        copy.finishedAt = record.finishedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) }
        return copy
    }
}
