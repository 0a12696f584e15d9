import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

@Suite("Isolation") struct IsolationTests {
    @Test("the command runs as uid 0 with its own hostname", arguments: testedModes)
    func identityAndHostname(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "id -u; id -g; hostname; cat /etc/hostname", mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout == "0\n0\nree\nree\n")
            #expect(run.result.idMode.rawValue == mode.rawValue)
            #expect(run.result.rootMode == .overlay)
        }
    }

    @Test("ps sees only the sandbox: pid 1 is the init, the shell is pid 2", arguments: testedModes)
    func processNamespace(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let (config, _, _) = try overlayConfiguration(in: dir, "echo $$; ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '; echo; ps -o pid | wc -l", mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "2")
            // init, the shell, ls, grep, sort, tr of the pipeline: nothing of the host.
            let pids = lines.count > 1 ? lines[1].split(separator: " ").compactMap { Int($0) } : []
            #expect(pids.first == 1)
            #expect(pids.allSatisfy { $0 < 20 }, "\(pids)")
        }
    }

    @Test("the root is the image's: no host path, no host file", arguments: testedModes)
    func noHostPaths(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let marker = "\(dir)/host-marker"
            try "secret".write(toFile: marker, atomically: false, encoding: .utf8)
            let (config, _, _) = try overlayConfiguration(in: dir, "ls /; cat \(marker) && echo LEAK; ls /sys | wc -l; tr -d '\\0' < /proc/1/cmdline; echo; cat /proc/1/environ 2>/dev/null | wc -c", mode: mode)
            let run = try await runCaptured(config)
            let entries = Set(run.stdout.split(separator: "\n").map(String.init))
            #expect(entries.isSuperset(of: ["bin", "etc", "tmp", "proc", "dev", "sys"]))
            #expect(!entries.contains("work") && !entries.contains("usr"), "\(entries)")
            #expect(!run.stdout.contains("LEAK"))
            #expect(!run.stdout.contains("secret"))
            // The init is a copy of this process: neither its arguments nor its environment show.
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "xctest"
            #expect(!run.stdout.contains(exe) && !run.stdout.contains("--testing-library"), "\(run.stdout)")
            #expect(run.stdout.hasSuffix("\n0\n"), "\(run.stdout)")
        }
    }

    @Test("only loopback, up, and no way to the host's 127.0.0.1", arguments: testedModes)
    func networkNamespace(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        let server = try TCPTestServer(body: "host-service")
        defer { server.stop() }
        try await withTemporaryDirectory { dir in
            let script = """
            ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '
            ip link show lo | head -1
            wget -q -T 2 -O - http://127.0.0.1:\(server.port)/ && echo REACHED
            echo end
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            let run = try await runCaptured(config)
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "lo", "\(run.stdout)")
            #expect(lines.count > 1 && lines[1].contains("UP"), "\(run.stdout)")
            #expect(!run.stdout.contains("REACHED") && !run.stdout.contains("host-service"))
            #expect(lines.last == "end")
        }
    }

    @Test("/dev is minimal and works; /proc/self/fd shows only stdio", arguments: testedModes)
    func devicesAndDescriptors(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        // An inheritable descriptor in the test process must not reach the command.
        let leaked = open("/etc/hostname", O_RDONLY)
        defer { close(leaked) }
        try await withTemporaryDirectory { dir in
            let script = """
            ls /dev | tr '\\n' ' '; echo
            echo x > /dev/null && head -c 4 /dev/urandom | wc -c
            ls /proc/self/fd | tr '\\n' ' '; echo
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(run.stdout)")
            guard lines.count == 3 else { return }
            let dev = Set(lines[0].split(separator: " ").map(String.init))
            #expect(dev.isSuperset(of: ["null", "zero", "full", "random", "urandom", "pts", "ptmx", "shm", "mqueue", "fd", "stdin", "stdout", "stderr"]), "\(dev)")
            #expect(lines[1] == "4")
            // 0, 1, 2 and the directory ls itself opened.
            #expect(lines[2].split(separator: " ").map(String.init) == ["0", "1", "2", "3"], "\(lines[2])")
        }
    }

    @Test("mount, unshare and new namespaces are refused", arguments: testedModes)
    func privilegedOperationsFail(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let script = """
            mkdir -p /mnt; mount -t tmpfs none /mnt && echo MOUNTED
            mount -t proc proc /mnt && echo PROC
            unshare -U true && echo UNSHARED
            unshare -m true && echo UNSHARED_MNT
            hostname other && echo RENAMED
            echo end
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            let run = try await runCaptured(config)
            #expect(run.stdout == "end\n", "\(run.stdout) \(run.stderr)")
        }
    }
}

@Suite("Proc") struct ProcTests {
    @Test("/proc/sys and /proc/sysrq-trigger are read-only, host-describing files are masked", arguments: testedModes)
    func procIsProtected(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        try await withTemporaryDirectory { dir in
            let script = """
            echo h > /proc/sysrq-trigger 2>/dev/null && echo SYSRQ
            echo 1 > /proc/sys/kernel/sysrq 2>/dev/null && echo SYSCTL
            cat /proc/sys/kernel/hostname
            cat /proc/keys /proc/timer_list 2>/dev/null | wc -c
            head -1 /proc/meminfo | cut -d: -f1
            """
            let (config, _, _) = try overlayConfiguration(in: dir, script, mode: mode)
            let run = try await runCaptured(config)
            #expect(run.stdout == "ree\n0\nMemTotal\n", "\(run.stdout) \(run.stderr)")
        }
    }
}
