import Foundation
@testable import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Id mapping") struct IDMappingTests {
    @Test("a subordinate range of at least 65535 ids is found by user name or uid")
    func subordinateRanges() throws {
        try withTemporaryDirectorySync { dir in
            let file = "\(dir)/subuid"
            try "alice:100000:65536\nbob:200000:1000\n1001:300000:65535\n# comment\n".write(toFile: file, atomically: false, encoding: .utf8)
            #expect(IDMapping.subordinateStart(file, names: ["alice", "1000"]) == 100000)
            #expect(IDMapping.subordinateStart(file, names: ["bob", "1002"]) == nil)        // too small
            #expect(IDMapping.subordinateStart(file, names: ["carol", "1001"]) == 300000)
            #expect(IDMapping.subordinateStart("\(dir)/missing", names: ["alice"]) == nil)
        }
    }

    @Test("auto is full as root and single is always single")
    func resolution() throws {
        #expect(try IDMapping.resolve(.single) == .single)
        if geteuid() == 0 {
            #expect(try IDMapping.resolve(.auto) == .rootFull)
            #expect(try IDMapping.resolve(.full) == .rootFull)
        }
    }

    @Test("the result carries the id maps", arguments: testedModes)
    func resultMaps(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "cat /proc/self/uid_map", mode: mode)
            let run = try await runCaptured(config)
            let shown = run.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { UInt32($0) } }
            #expect(shown == run.result.uidMap.map { [$0.inside, $0.outside, $0.count] })
            #expect(run.result.uidMap.first?.inside(ofHost: geteuid()) == 0)
        }
    }

    @Test("the seccomp programs build and differ by mode")
    func seccompPrograms() throws {
        let full = try SeccompProfile.program(single: false)
        let single = try SeccompProfile.program(single: true)
        #expect(!full.isEmpty && full.count % 8 == 0 && single.count / 8 < 4096)   // BPF_MAXINSNS
        #expect(single.count > full.count)
        #expect(try SeccompProfile.program(single: true) == single)
    }
}

private func withTemporaryDirectorySync(_ body: (String) throws -> Void) throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
}
