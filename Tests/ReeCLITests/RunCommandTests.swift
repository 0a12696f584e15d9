import Foundation
import ReeTestSupport
import Testing

/// `ree run` end to end with a bootstrapped busybox image.
@Suite struct RunCommandTests {
    static let home: String? = {
        guard Requirements.which("apt-get") != nil, let home = try? makeTemporaryDirectory(prefix: "ree-run") else { return nil }
        return (try? ReeBinary.check(["image", "bootstrap", "busybox"], home: home)) != nil ? home : nil
    }()

    func busyboxHome() throws -> String {
        try Requirements.root()
        guard let home = Self.home else {
            try Requirements.missing("could not bootstrap busybox (apt-get download busybox-static)")
            return ""
        }
        return home
    }

    @Test(arguments: ["full", "single"])
    func theCommandRunsAsRootInItsOwnWorld(userns: String) throws {
        let home = try busyboxHome()
        let r = try ReeBinary.run(["run", "busybox", "--userns", userns, "--", "sh", "-c", "id -u; hostname; ps -o pid,comm; ls /"], home: home)
        #expect(r.succeeded, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "0")
        #expect(lines.count > 1 && lines[1] != ProcessInfo.processInfo.hostName)
        #expect(lines.contains("linuxrc"), "ls / shows the image")
        #expect(!lines.contains("boot") && !lines.contains("work"), "and not the host")
        let pids = lines.compactMap { Int($0.split(separator: " ").first ?? "") }
        #expect(pids.allSatisfy { $0 < 20 }, "ps sees only the sandbox's processes: \(pids)")
    }

    @Test func theExitStatusIsTheCommandsAndChangesAreDiscarded() throws {
        let home = try busyboxHome()
        #expect(try ReeBinary.run(["run", "busybox", "--", "sh", "-c", "touch /etc/changed; exit 7"], home: home).status == 7)
        #expect(try ReeBinary.run(["run", "busybox", "--", "test", "-e", "/etc/changed"], home: home).status == 1)
    }

    @Test func environmentWorkdirAndImageDefaults() throws {
        let home = try busyboxHome()
        let out = try ReeBinary.check(["run", "busybox", "--env", "GREETING=hi", "--workdir", "/made/here", "--",
                                       "sh", "-c", "echo $GREETING; pwd; echo $PATH"], home: home)
        #expect(out == "hi\n/made/here\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n")
    }

    @Test func aStepPastItsTimeLimitIsKilled() throws {
        let home = try busyboxHome()
        let r = try ReeBinary.run(["run", "busybox", "--timeout", "1", "--", "sh", "-c", "sleep 600 & sleep 600"], home: home)
        #expect(r.status == 124)
        #expect(r.stderr.contains("time limit"))
    }

    @Test func anUnknownImageNamesTheAvailableOnes() throws {
        let home = try busyboxHome()
        let r = try ReeBinary.run(["run", "nope", "--", "true"], home: home)
        #expect(r.status == 1)
        #expect(r.stderr.contains("busybox"))
    }
}
