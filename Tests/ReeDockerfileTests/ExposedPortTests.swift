import Testing

@testable import ReeDockerfile

@Suite("EXPOSE entries")
struct ExposedPortTests {
    @Test(
        "valid entries",
        arguments: [
            ("8080/tcp", ["8080/tcp"]), ("80", ["80/tcp"]), ("53/UDP", ["53/udp"]), ("1000-1002/udp", ["1000/udp", "1001/udp", "1002/udp"]),
        ])
    func valid(text: String, keys: [String]) throws {
        #expect(try ExposedPort(parsing: text).configKeys == keys)
    }

    @Test("invalid entries", arguments: ["", "http", "80/icmp", "70000", "9-1", "-1"])
    func invalid(text: String) {
        #expect(throws: DockerfileError.self) { try ExposedPort(parsing: text) }
    }
}
