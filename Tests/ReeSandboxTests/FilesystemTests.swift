import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Root filesystem") struct FilesystemTests {
    private func lstatOf(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    @Test("overlay: changes land in the upper directory, a deletion is a 0/0 whiteout, the lower is untouched", arguments: testedModes)
    func overlayChanges(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let (config, lower, upper) = try overlayConfiguration(in: dir, "echo hello > /root/new && rm /etc/group && ls /etc", mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(try String(contentsOfFile: "\(upper)/root/new", encoding: .utf8) == "hello\n")
            let whiteout = try #require(lstatOf("\(upper)/etc/group"))
            #expect(whiteout.st_mode & S_IFMT == S_IFCHR)
            #expect(whiteout.st_rdev == 0)
            #expect(FileManager.default.fileExists(atPath: "\(lower)/etc/group"))
            #expect(!FileManager.default.fileExists(atPath: "\(lower)/root/new"))
            // Nothing the sandbox itself needs (mountpoints, hosts, hostname) is in the upper directory.
            let top = try FileManager.default.contentsOfDirectory(atPath: upper).sorted()
            #expect(top == ["etc", "root"], "\(top)")
            let etc = try FileManager.default.contentsOfDirectory(atPath: "\(upper)/etc")
            #expect(etc == ["group"], "\(etc)")
        }
    }

    @Test("chown succeeds in both modes; in full mode it really changes the owner", arguments: testedModes)
    func chownInModes(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let (config, _, upper) = try overlayConfiguration(in: dir, "touch /tmp/owned && chown 1000:1000 /tmp/owned && echo ok", mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout == "ok\n")
            let st = try #require(lstatOf("\(upper)/tmp/owned"))
            if mode == .full {
                #expect(st.st_uid == hostID(1000, run.result.uidMap) && st.st_gid == hostID(1000, run.result.gidMap))
            } else {
                #expect(st.st_uid == geteuid() && st.st_gid == getegid())
            }
        }
    }

    @Test("full mode: the command runs as the configured uid, gid and groups")
    func runsAsConfiguredUser() async throws {
        try requireSandbox()
        try requireMode(.full)
        try await withTemporaryDirectory { dir in
            var (config, _, upper) = try overlayConfiguration(in: dir, "id -u; id -g; id -G; touch /tmp/mine; touch /root/x 2>/dev/null || echo denied", mode: .full)
            config.uid = 1000
            config.gid = 1000
            config.supplementaryGroups = [1000, 65534]
            let run = try await runCaptured(config)
            #expect(run.stdout == "1000\n1000\n1000 65534\ndenied\n", "\(run.stderr)")
            let st = try #require(lstatOf("\(upper)/tmp/mine"))
            #expect(st.st_uid == hostID(1000, run.result.uidMap))
        }
    }

    @Test("single mode runs another uid as 0 and says so")
    func singleModeUserIsRoot() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "id -u", mode: .single)
            config.uid = 1000
            let run = try await runCaptured(config)
            #expect(run.stdout == "0\n")
            #expect(run.result.notes.contains { $0.contains("single id mode") })
        }
    }

    @Test("the working directory is created inside the root")
    func workingDirectoryIsCreated() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, upper) = try overlayConfiguration(in: dir, "pwd", mode: .single)
            config.workingDirectory = "/srv/app/./build/"
            let run = try await runCaptured(config)
            #expect(run.stdout == "/srv/app/build\n", "\(run.stderr)")
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: "\(upper)/srv/app/build", isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test("a working directory through /proc/self/fd cannot reach an inherited descriptor", arguments: ["/proc/self/fd/3", "/proc/self/cwd", "/proc/1/root/tmp"])
    func workingDirectoryEscape(path: String) async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, _) = try overlayConfiguration(in: dir, "pwd; ls", mode: .single)
            config.workingDirectory = path
            // Magic links are not followed: the step fails before anything runs.
            let error = await #expect(throws: ReeError.self) { try await runCaptured(config) }
            #expect(error?.message.hasPrefix("failed to create working directory '\(path)'") == true, "\(String(describing: error))")
        }
    }

    @Test("bind mounts: read-only and read-write; a missing target leaves nothing in the upper directory")
    func bindMounts() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let ro = "\(dir)/ro", rw = "\(dir)/rw", file = "\(dir)/ca.pem"
            try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: rw, withIntermediateDirectories: true)
            try "repo".write(toFile: "\(ro)/Packages", atomically: false, encoding: .utf8)
            try "cert".write(toFile: file, atomically: false, encoding: .utf8)
            let script = """
            cat /opt/repo/Packages; echo
            touch /opt/repo/x 2>/dev/null && echo RO_WRITABLE
            echo cached > /var/cache/build/out
            cat /etc/ssl/certs/ca-certificates.crt; echo
            """
            var (config, _, upper) = try overlayConfiguration(in: dir, script, mode: .single)
            config.mounts = [
                .init(source: ro, target: "/opt/repo", readOnly: true),
                .init(source: rw, target: "/var/cache/build", readOnly: false),
                .init(source: file, target: "/etc/ssl/certs/ca-certificates.crt", readOnly: true),
            ]
            let run = try await runCaptured(config)
            #expect(run.stdout == "repo\ncert\n", "\(run.stdout) \(run.stderr)")
            #expect(try String(contentsOfFile: "\(rw)/out", encoding: .utf8) == "cached\n")
            let top = try FileManager.default.contentsOfDirectory(atPath: upper)
            #expect(top.isEmpty, "\(top)")
        }
    }

    @Test("the apt setting and /etc/hosts are there for the step only")
    func aptSettingLeavesNoTrace() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            var (config, _, upper) = try overlayConfiguration(in: dir, "cat /etc/apt/apt.conf.d/00ree-sandbox; grep -c localhost /etc/hosts; echo x > /etc/hosts || echo readonly", mode: .single)
            config.aptSandboxRoot = true
            let run = try await runCaptured(config)
            #expect(run.stdout == "APT::Sandbox::User \"root\";\n2\nreadonly\n", "\(run.stderr)")
            let top = try FileManager.default.contentsOfDirectory(atPath: upper)
            #expect(top.isEmpty, "\(top)")
        }
    }

    @Test("directory mode: a read-write root; mountpoints created for the step are removed after it", arguments: testedModes)
    func directoryMode(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let root = "\(dir)/rootfs"
            try SandboxFixtures.makeBusyboxRootfs(at: root)
            let config = SandboxConfiguration(root: .directory(root), argv: ["/bin/sh", "-c", "echo hi > /root/file; rm /etc/group; ls /proc/1 >/dev/null && echo proc"],
                                              userNamespace: mode, aptSandboxRoot: true)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout == "proc\n")
            #expect(run.result.rootMode == .directory)
            #expect(FileManager.default.fileExists(atPath: "\(root)/root/file"))
            #expect(!FileManager.default.fileExists(atPath: "\(root)/etc/group"))
            for gone in ["proc", "dev", "sys", "etc/hosts", "etc/hostname", "etc/apt"] {
                #expect(lstatOf("\(root)/\(gone)") == nil, "\(gone) left behind")
            }
        }
    }

    @Test("many layers with long paths: more than a page of overlay options")
    func manyLayers() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            let (base, _, _) = try overlayConfiguration(in: dir, "true", mode: .single)
            guard case let .overlay(baseLower, upper, work) = base.root else { return }
            var lowers: [String] = []
            for i in 0..<80 {
                let layer = "\(dir)/layer-\(i)-" + String(repeating: "x", count: 80)
                try FileManager.default.createDirectory(atPath: "\(layer)/layers", withIntermediateDirectories: true)
                try "\(i)".write(toFile: "\(layer)/layers/\(i)", atomically: false, encoding: .utf8)
                try "\(i)".write(toFile: "\(layer)/stack", atomically: false, encoding: .utf8)
                lowers.append(layer)
            }
            var config = base
            config.root = .overlay(lower: lowers + baseLower, upper: upper, work: work)
            config.argv = ["/bin/sh", "-c", "ls /layers | wc -l; cat /stack"]
            let run = try await runCaptured(config)
            #expect(run.stdout == "80\n0", "\(run.stdout) \(run.stderr)")
        }
    }

    @Test("an empty lower list gives an empty root (FROM scratch)")
    func scratchRoot() async throws {
        try requireSandbox()
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: "\(dir)/u", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(dir)/w", withIntermediateDirectories: true)
            var config = SandboxConfiguration(root: .overlay(lower: [], upper: "\(dir)/u", work: "\(dir)/w"), argv: ["/busybox", "true"], userNamespace: .single)
            config.mounts = [.init(source: SandboxFixtures.busyboxPath, target: "/busybox")]
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
        }
    }
}
