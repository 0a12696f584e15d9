import Foundation
import Testing

@testable import ReeDockerfile

/// Parses `body` after a `FROM scratch` line and returns the first instruction of the stage.
func parseInstruction(_ body: String) throws -> Instruction {
    let dockerfile = try DockerfileParser.parse("FROM scratch\n" + body)
    let stage = try #require(dockerfile.stages.first)
    return try #require(stage.instructions.first)
}

/// The error thrown by parsing `text`, if any.
func parseError(_ text: String) -> DockerfileError? {
    do {
        _ = try DockerfileParser.parse(text)
        return nil
    } catch {
        return error
    }
}

/// The folder of sample projects: the repository's sibling `shared/samples`, else `/work/shared/samples`.
func samplesDirectory() -> URL {
    let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let sibling = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/samples")
    if FileManager.default.fileExists(atPath: sibling.path) { return sibling }
    return URL(fileURLWithPath: "/work/shared/samples")
}

/// The sample Dockerfiles by sample name.
func sampleDockerfiles() throws -> [String: String] {
    let directory = samplesDirectory()
    var result: [String: String] = [:]
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    for name in names {
        let file = directory.appendingPathComponent(name).appendingPathComponent("Dockerfile")
        if let text = try? String(contentsOf: file, encoding: .utf8) { result[name] = text }
    }
    return result
}

/// A small deterministic PRNG (SplitMix64) so fuzzing is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
