import Foundation
import ReeSandbox
import ReeTestSupport
import Testing
@Test func debugTiming() async throws {
    try await withTemporaryDirectory { dir in
        let (config0, lower, _) = try overlayConfiguration(in: dir, "true", mode: .single)
        for mode in testedModes {
            for root in ["overlay", "directory"] {
                var total = Duration.zero
                for i in 0..<40 {
                    var config = config0
                    config.userNamespace = mode
                    config.argv = ["/bin/true"]
                    if root == "overlay" {
                        try FileManager.default.createDirectory(atPath: "\(dir)/u\(i)\(mode)", withIntermediateDirectories: true)
                        try FileManager.default.createDirectory(atPath: "\(dir)/w\(i)\(mode)", withIntermediateDirectories: true)
                        config.root = .overlay(lower: [lower], upper: "\(dir)/u\(i)\(mode)", work: "\(dir)/w\(i)\(mode)")
                    } else {
                        config.root = .directory(lower)
                    }
                    let start = ContinuousClock.now
                    _ = try await Sandbox.run(config, output: .discard)
                    if i > 0 { total += ContinuousClock.now - start }
                }
                print("DEBUG", mode, root, total / 29)
            }
        }
    }
}
