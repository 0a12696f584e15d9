import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Concurrency and output") struct ConcurrencyTests {
    @Test("sandboxes started at the same time do not hold each other's pipes", .timeLimit(.minutes(1)))
    func concurrentRuns() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let outputs = try await withThrowingTaskGroup(of: (Int, CapturedRun).self) { group in
                for i in 0..<8 {
                    let (config, _, _) = try overlayConfiguration(in: "\(dir)/\(i)", "echo run-\(i); sleep 0.\(i)", mode: .single)
                    group.addTask { (i, try await runCaptured(config)) }
                }
                var all: [Int: CapturedRun] = [:]
                for try await (i, run) in group { all[i] = run }
                return all
            }
            for i in 0..<8 {
                #expect(outputs[i]?.stdout == "run-\(i)\n")
                #expect(outputs[i]?.result.exitCode == 0)
            }
        }
    }

    @Test("inherited and discarded output", arguments: ["inherit", "discard"])
    func otherOutputs(kind: String) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "test -e /proc/self/fd/1 && exit 3", mode: .single)
            let result = try await Sandbox.run(config, output: kind == "inherit" ? .inherit : .discard)
            #expect(result.exitCode == 3)
        }
    }

    @Test("large output on both streams is delivered completely")
    func largeOutput() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let script = "head -c 5000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2"
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: .single)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0)
            #expect(run.stdout.utf8.count == 5_000_000 && run.stdout.utf8.allSatisfy { $0 == UInt8(ascii: "a") })
            #expect(run.stderr.utf8.count == 3_000_000)
        }
    }
}
