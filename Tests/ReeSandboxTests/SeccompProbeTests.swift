import Foundation
import ReeOS
import ReeSandbox
import ReeTestSupport
import Testing

/// A static probe compiled for the test and bound into the sandbox (as crun's tests do): it makes the
/// filtered syscalls directly, with arguments that would fail differently without the filter.
@Suite("Seccomp probe") struct SeccompProbeTests {
    static let source = #"""
    #define _GNU_SOURCE
    #include <errno.h>
    #include <sched.h>
    #include <signal.h>
    #include <stdio.h>
    #include <sys/ioctl.h>
    #include <sys/syscall.h>
    #include <unistd.h>

    static void report(const char *name, long rc) {
        if (rc == 0 && getpid() != 2 && getppid() == 2) _exit(0);   /* a clone that got through */
        const char *what = rc >= 0 ? "ok" : errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : "other";
        printf("%s=%s\n", name, what);
    }

    int main(void) {
        report("keyctl", syscall(SYS_keyctl, 0, -3, 0));
        report("add_key", syscall(SYS_add_key, "user", "x", "y", 1, -3));
        report("request_key", syscall(SYS_request_key, "user", "x", NULL, 0));
        report("bpf", syscall(SYS_bpf, 0, NULL, 0));
        report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
        report("userfaultfd", syscall(SYS_userfaultfd, 0));
        report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
        report("init_module", syscall(SYS_init_module, NULL, 0, ""));
        report("delete_module", syscall(SYS_delete_module, "x", 0));
        report("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
        report("swapon", syscall(SYS_swapon, "/nonexistent", 0));
        report("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
        report("clock_settime", syscall(SYS_clock_settime, 0, NULL));
        report("adjtimex", syscall(SYS_adjtimex, NULL));
        report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
        report("name_to_handle_at", syscall(SYS_name_to_handle_at, -1, "", NULL, NULL, 0));
        report("acct", syscall(SYS_acct, NULL));
        report("iopl", syscall(SYS_iopl, 3));
        report("mount", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
        report("umount2", syscall(SYS_umount2, "/proc", 0));
        report("pivot_root", syscall(SYS_pivot_root, ".", "."));
        report("open_tree", syscall(SYS_open_tree, -1, "/", 0));
        report("unshare", syscall(SYS_unshare, CLONE_NEWUSER));
        report("setns", syscall(SYS_setns, -1, 0));
        report("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
        report("clone3", syscall(SYS_clone3, NULL, 0));
        report("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
        report("personality_rie", syscall(SYS_personality, 0x0400000));
        report("personality_query", syscall(SYS_personality, 0xffffffff));
        report("ioctl_tiocsti", syscall(SYS_ioctl, 0, TIOCSTI, "x"));
        report("chown", syscall(SYS_chown, "/tmp", 1234, 1234));
        report("setgroups", syscall(SYS_setgroups, 0, NULL));
        report("setresuid", syscall(SYS_setresuid, 1234, 1234, 1234));
        return 0;
    }
    """#

    static let denied = ["keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "kexec_load",
                         "init_module", "delete_module", "reboot", "swapon", "settimeofday", "clock_settime", "adjtimex",
                         "open_by_handle_at", "name_to_handle_at", "acct", "iopl", "mount", "umount2", "pivot_root",
                         "open_tree", "unshare", "setns", "clone_newuser", "io_uring_setup", "personality_rie", "ioctl_tiocsti"]

    @Test("denied syscalls answer EPERM, clone3 ENOSYS; identity calls work (full) or are faked (single)", arguments: testedModes)
    func probe(mode: SandboxConfiguration.UserNamespaceMode) async throws {
        try requireSandbox()
        try requireMode(mode)
        let cc = try requireTool("cc")
        try await withTemporaryDirectory { dir in
            try Self.source.write(toFile: "\(dir)/probe.c", atomically: false, encoding: .utf8)
            let compiled = try Shell.run([cc, "-static", "-O1", "-o", "\(dir)/probe", "\(dir)/probe.c"])
            if !compiled.succeeded { try Requirements.missing("cannot link a static C program: \(compiled.stderr)") }
            var (config, _, _) = try overlayConfiguration(in: "\(dir)/root", "/probe", mode: mode)
            config.argv = ["/probe"]
            config.mounts = [.init(source: "\(dir)/probe", target: "/probe")]
            let run = try await runCaptured(config)
            #expect(run.result.exitCode == 0, "\(run.stderr)")
            var results: [String: String] = [:]
            for line in run.stdout.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { results[parts[0]] = parts[1] }
            }
            for name in Self.denied { #expect(results[name] == "EPERM", "\(name): \(results[name] ?? "missing")") }
            #expect(results["clone3"] == "ENOSYS")
            #expect(results["personality_query"] == "ok")
            for name in ["chown", "setgroups", "setresuid"] { #expect(results[name] == "ok", "\(name)") }
        }
    }
}
