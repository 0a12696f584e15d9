import Foundation
import ReeTestSupport
import Testing

/// The Debian recipe, bootstrapped twice on two homes, gives the same manifest digest, and apt
/// inside it has its sources.
@Suite struct BaseImageReproducibilityTests {
    @Test func debianBookwormIsReproducible() throws {
        try Requirements.root()
        try Requirements.tool("mmdebstrap")
        let a = try makeTemporaryDirectory(prefix: "ree-debian"), b = try makeTemporaryDirectory(prefix: "ree-debian")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let first = try ReeBinary.check(["image", "bootstrap", "debian_bookworm"], home: a)
        let second = try ReeBinary.check(["image", "bootstrap", "debian_bookworm"], home: b)
        #expect(first == second)
        let sources = try ReeBinary.check(["run", "debian_bookworm", "--", "sh", "-c", "cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -c '^URIs\\|^deb '"], home: a)
        #expect((Int(sources.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "apt sources are in the image")
        let version = try ReeBinary.check(["run", "debian_bookworm", "--", "cat", "/etc/debian_version"], home: a)
        #expect(version.hasPrefix("12."))
    }
}
