import Foundation
import ReeArchive
import ReeOS
import ReeTestSupport
import Testing

/// Entries that exercise the corners of pax: long and non-ASCII names, links, devices, xattrs, setuid.
let sampleEntries: [(ArchiveEntry, [UInt8])] = {
    var items: [(ArchiveEntry, [UInt8])] = []
    items.append((ArchiveEntry(path: "bin/", kind: .directory, mode: 0o755), []))
    items.append((ArchiveEntry(path: "bin/tool", kind: .regular, mode: 0o4755, uid: 0, gid: 0, mtime: 1_700_000_000,
                               xattrs: ["security.capability": [1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]),
                  Array("#!/bin/sh\necho tool\n".utf8)))
    items.append((ArchiveEntry(path: "bin/tool-link", kind: .hardlink, linkTarget: "bin/tool"), []))
    items.append((ArchiveEntry(path: "bin/sh", kind: .symlink, mode: 0o777, linkTarget: "/bin/busybox"), []))
    let long = "deep/" + String(repeating: "d", count: 120) + "/file with spaces ünïcødé.txt"
    items.append((ArchiveEntry(path: long, kind: .regular, mode: 0o600, uid: 1000, gid: 1000, mtime: 1_600_000_000), Array("long".utf8)))
    items.append((ArchiveEntry(path: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3), []))
    items.append((ArchiveEntry(path: "tmp/", kind: .directory, mode: 0o1777), []))
    items.append((ArchiveEntry(path: "run/fifo", kind: .fifo, mode: 0o644), []))
    return items
}()

func writeSample(_ options: ArchiveWriter.Options) throws -> [UInt8] {
    let sink = MemorySink()
    let writer = try ArchiveWriter(sink: sink, name: "memory", options: options)
    for (entry, data) in sampleEntries {
        if entry.kind == .regular { try writer.write(entry, contents: data) } else { try writer.writeHeader(entry) }
    }
    try writer.finish()
    return sink.bytes
}

@Suite struct ArchiveRoundTripTests {
    @Test(arguments: [ArchiveCompression.none, .gzip(level: 6), .zstd(level: 3)])
    func entriesSurviveAWriteAndReadBack(compression: ArchiveCompression) throws {
        let bytes = try writeSample(.deterministic(compression: compression))
        let reader = try ArchiveReader(source: MemorySource(bytes), name: "memory")
        var seen: [ArchiveEntry] = []
        var contents: [String: [UInt8]] = [:]
        while let e = try reader.next() {
            seen.append(e)
            contents[e.path] = try reader.readData()
        }
        #expect(seen.map(\.path) == sampleEntries.map(\.0.path))
        for (got, (want, data)) in zip(seen, sampleEntries) {
            #expect(got.kind == want.kind, "\(want.path)")
            #expect(got.mode == want.mode, "\(want.path)")
            #expect(got.uid == want.uid && got.gid == want.gid)
            #expect(got.linkTarget == want.linkTarget)
            #expect(got.xattrs == want.xattrs)
            #expect(got.userName == nil || got.userName == "")
            if want.kind == .regular {
                #expect(contents[want.path] == data)
                #expect(got.mtime == want.mtime)
            }
            if want.kind == .characterDevice {
                #expect(got.deviceMajor == 1 && got.deviceMinor == 3)
            }
        }
    }

    @Test(arguments: [ArchiveCompression.none, .gzip(level: 6), .zstd(level: 3)])
    func deterministicWritingGivesIdenticalBytes(compression: ArchiveCompression) throws {
        let a = try writeSample(.deterministic(compression: compression, epoch: 1_650_000_000))
        let b = try writeSample(.deterministic(compression: compression, epoch: 1_650_000_000))
        #expect(a == b)
    }

    @Test func gzipHeaderHasNoNameNoTimeAndAFixedOSByte() throws {
        let bytes = try writeSample(.deterministic(compression: .gzip(level: 6)))
        #expect(bytes[0] == 0x1f && bytes[1] == 0x8b)
        #expect(bytes[3] & 0x08 == 0, "FNAME flag must be clear")
        #expect(bytes[4...7].allSatisfy { $0 == 0 }, "MTIME must be zero")
        #expect(bytes[9] == 3, "OS byte is Unix")
    }

    @Test func mtimesAreClampedToTheEpoch() throws {
        let bytes = try writeSample(.deterministic(epoch: 1_650_000_000))
        let reader = try ArchiveReader(source: MemorySource(bytes), name: "memory")
        while let e = try reader.next() { #expect(e.mtime <= 1_650_000_000) }
    }

    @Test func bsdtarListsWhatWeWrite() throws {
        try Requirements.tool("bsdtar")
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/sample.tar.gz"
        try Data(writeSample(.deterministic(compression: .gzip(level: 6)))).write(to: URL(fileURLWithPath: path))
        let listing = try Shell.check(["bsdtar", "-tvf", path])
        #expect(listing.contains("bin/tool link to bin/tool") || listing.contains("bin/tool-link link to bin/tool"))
        #expect(listing.contains("ünïcødé"))
        #expect(listing.contains("-rwsr-xr-x"))
        // GNU tar agrees on the names too (it reads the pax path records).
        if let tar = Requirements.which("tar") {
            let names = try Shell.check([tar, "-tzf", path])
            #expect(names.contains(String(repeating: "d", count: 120)))
        }
    }

    @Test func zipRoundTrip() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/a.zip"
        let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        let writer = try ArchiveWriter(sink: fd, name: path, options: .init(format: .zip))
        try writer.writeHeader(ArchiveEntry(path: "dir/", kind: .directory, mode: 0o755))
        try writer.write(ArchiveEntry(path: "dir/hello.txt", kind: .regular), contents: Array("hello zip".utf8))
        try writer.finish()
        try fd.close()
        let reader = try ArchiveReader(path: path, formats: [.zip])
        var found: [String: String] = [:]
        while let e = try reader.next() { found[e.path] = String(decoding: try reader.readData(), as: UTF8.self) }
        #expect(found["dir/hello.txt"] == "hello zip")
        if Requirements.which("unzip") != nil {
            #expect(try Shell.check(["unzip", "-p", path, "dir/hello.txt"]) == "hello zip")
        }
    }
}

@Suite struct ArchiveBadInputTests {
    @Test func truncatedArchiveIsAnErrorNamingTheArchive() throws {
        let bytes = try writeSample(.deterministic(compression: .gzip(level: 6)))
        let cut = Array(bytes.prefix(bytes.count / 2))
        let error = #expect(throws: ReeError.self) {
            let reader = try ArchiveReader(source: MemorySource(cut), name: "cut.tar.gz")
            while try reader.next() != nil { _ = try reader.readData() }
        }
        #expect(error?.message.contains("cut.tar.gz") == true)
        #expect(error?.code == .corrupt)
    }

    @Test func garbageIsNotAnArchive() throws {
        let garbage = [UInt8](repeating: 0x42, count: 4096)
        #expect(throws: ReeError.self) {
            let r = try ArchiveReader(source: MemorySource(garbage), name: "garbage")
            _ = try r.next()
        }
    }

    @Test func missingFileIsNotFound() throws {
        #expect(throws: ReeError.self) { _ = try ArchiveReader(path: "/nonexistent/x.tar") }
    }

    @Test func oversizedEntryIsRefusedByTheReadLimit() throws {
        let sink = MemorySink()
        let w = try ArchiveWriter(sink: sink, name: "m")
        try w.write(ArchiveEntry(path: "big", kind: .regular), contents: [UInt8](repeating: 1, count: 10_000))
        try w.finish()
        let r = try ArchiveReader(source: MemorySource(sink.bytes), name: "m")
        _ = try r.next()
        #expect(throws: ReeError.self) { _ = try r.readData(limit: 1000) }
    }
}
