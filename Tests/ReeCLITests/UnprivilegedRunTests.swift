import Foundation
import ReeTestSupport
import Testing

/// `ree` as an unprivileged user (uid 65534, no subuid range): the store, bootstrap and run work,
/// in single-id mode.
@Suite struct UnprivilegedRunTests {
    @Test func bootstrapAndRunAsNobody() throws {
        try Requirements.root()
        let setpriv = try Requirements.tool("setpriv")
        try Requirements.tool("apt-get")
        // The binary and a store owned by nobody, somewhere nobody can reach.
        let dir = try makeTemporaryDirectory(prefix: "ree-nobody")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        try FileManager.default.copyItem(atPath: ReeBinary.path, toPath: dir + "/ree")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/rootfs", toPath: dir + "/rootfs")
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
        try Shell.check(["chown", "-R", "65534:65534", dir + "/home"])
        // Without /etc/subuid entries, auto picks single: hide them in a private mount namespace.
        let script = """
            for f in /etc/subuid /etc/subgid; do [ -e $f ] && mount --bind /dev/null $f; done
            exec \(setpriv) --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
              REE_HOME=\(dir)/home REE_RECIPES=\(dir)/rootfs HOME=\(dir)/home TMPDIR=\(dir)/home sh -c "$0"
            """
        func asNobody(_ command: String) throws -> ShellResult {
            try Shell.run(["unshare", "-m", "sh", "-c", script, command])
        }
        let bootstrap = try asNobody("\(dir)/ree image bootstrap busybox")
        #expect(bootstrap.succeeded, "\(bootstrap.stderr)")
        let run = try asNobody("\(dir)/ree run busybox -- sh -c 'id -u; touch /tmp/x; chown 1000 /tmp/x && echo chown-ok; ls -ld /tmp | cut -c1-10'")
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.stdout == "0\nchown-ok\ndrwxrwxrwt\n", "\(run.stdout)\(run.stderr)")
        let status = try asNobody("\(dir)/ree run busybox -- sh -c 'exit 5'")
        #expect(status.status == 5)
    }
}
