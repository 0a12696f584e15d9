import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

/// apt and dpkg in a Debian root: opt-in, because it needs a Debian rootfs that CI builds elsewhere.
/// Set `REE_TEST_DEBIAN_ROOTFS` to an unpacked Debian root, e.g. from
/// `mmdebstrap --variant=minbase --include=passwd bookworm DIR`.
@Suite("apt in Debian", .enabled(if: ProcessInfo.processInfo.environment["REE_TEST_DEBIAN_ROOTFS"] != nil))
struct AptTests {
    var rootfs: String { ProcessInfo.processInfo.environment["REE_TEST_DEBIAN_ROOTFS"] ?? "/nonexistent" }

    /// A package whose postinst creates a system user and chowns a directory to it.
    private func makeProbePackage(in dir: String, dpkgDeb: String) throws -> String {
        let pkg = "\(dir)/pkg"
        try FileManager.default.createDirectory(atPath: "\(pkg)/DEBIAN", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(pkg)/usr/share/ree-probe", withIntermediateDirectories: true)
        try "probe\n".write(toFile: "\(pkg)/usr/share/ree-probe/README", atomically: false, encoding: .utf8)
        try """
        Package: ree-probe
        Version: 1.0
        Architecture: all
        Maintainer: ree <ree@example.org>
        Description: ree sandbox probe

        """.write(toFile: "\(pkg)/DEBIAN/control", atomically: false, encoding: .utf8)
        try """
        #!/bin/sh
        set -e
        useradd --system --no-create-home --shell /usr/sbin/nologin ree-probe
        mkdir -p /var/lib/ree-probe
        chown ree-probe:ree-probe /var/lib/ree-probe

        """.write(toFile: "\(pkg)/DEBIAN/postinst", atomically: false, encoding: .utf8)
        chmod("\(pkg)/DEBIAN/postinst", 0o755)
        let debs = "\(dir)/debs"
        try FileManager.default.createDirectory(atPath: debs, withIntermediateDirectories: true)
        try Shell.check([dpkgDeb, "--root-owner-group", "--build", pkg, "\(debs)/ree-probe_1.0_all.deb"])
        return debs
    }

    @Test("apt-get installs a package whose postinst adds a user and chowns", arguments: testedModes)
    func aptInstall(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        let dpkgDeb = try requireTool("dpkg-deb")
        try await withTemporaryDirectory { dir in
            let debs = try makeProbePackage(in: dir, dpkgDeb: dpkgDeb)
            for sub in ["upper", "work"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true) }
            // In single mode only our own ids exist: overlay cannot copy up a file owned by anyone else, so
            // single-mode layers are unpacked with every file ours (as Charliecloud does). Flatten a copy.
            var lower = rootfs
            if mode == .single {
                lower = "\(dir)/flat"
                try Shell.check(["/bin/cp", "-a", rootfs, lower])
                try Shell.check(["/bin/chown", "-R", "-h", "\(geteuid()):\(getegid())", lower])
            }
            var config = SandboxConfiguration(
                root: .overlay(lower: [lower], upper: "\(dir)/upper", work: "\(dir)/work"),
                argv: ["/bin/sh", "-c", "apt-get install -y /debs/ree-probe_1.0_all.deb && id -u ree-probe && stat -c %U /var/lib/ree-probe"],
                environment: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=noninteractive"],
                userNamespace: mode)
            config.mounts = [.init(source: debs, target: "/debs", readOnly: true)]
            config.limits.timeout = .seconds(300)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            let owner = lines.last
            if mode == .full {
                #expect(owner == "ree-probe", "\(run.stdout)")
                var st = stat()
                #expect(lstat("\(dir)/upper/var/lib/ree-probe", &st) == 0 && st.st_uid != 0)
            } else {
                #expect(owner == "root", "\(run.stdout)")
            }
            // The apt setting was for the step only.
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/upper/etc/apt/apt.conf.d/00ree-sandbox"))
            #expect(FileManager.default.fileExists(atPath: "\(dir)/upper/usr/share/ree-probe/README"))
        }
    }
}
