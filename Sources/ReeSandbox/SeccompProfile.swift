#if canImport(Glibc)
import Glibc
#endif
import CReeShim
import CSeccomp
import ReeOS
import Synchronization

/// The sandbox's seccomp program, built with libseccomp in the parent and exported as classic BPF
/// (the child installs it with the raw seccomp syscall: no allocation after clone).
///
/// Default allow; a deny list at least as strict as Docker's default profile returns EPERM; in single
/// mode, ownership and identity calls return 0 without effect (Charliecloud's root emulation).
/// libseccomp checks `seccomp_data.arch` on every call; the program covers x86_64, i386 and x32 (or the
/// native architecture elsewhere); other architectures are killed.
enum SeccompProfile {
    /// Syscalls a build step has no business making: kernel, clock, keyring, module, mount and namespace
    /// administration, and known attack surface (bpf, userfaultfd, perf, io_uring).
    static let denied: [String] = [
        "acct", "add_key", "afs_syscall", "bpf", "clock_adjtime", "clock_settime", "create_module",
        "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
        "get_kernel_syms", "getpmsg", "init_module", "io_uring_enter", "io_uring_register", "io_uring_setup",
        "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mount",
        "mount_setattr", "move_mount", "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree",
        "perf_event_open", "pivot_root", "putpmsg", "query_module", "quotactl", "quotactl_fd", "reboot",
        "request_key", "security", "setns", "settimeofday", "stime", "swapoff", "swapon", "_sysctl", "sysfs",
        "syslog", "tuxcall", "umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vhangup",
        "vm86", "vm86old", "adjtimex", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
    ]

    /// Calls that succeed without effect in single mode.
    static let faked: [String] = [
        "capset", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
        "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32",
        "setresuid", "setresuid32", "setresgid", "setresgid32", "setfsuid", "setfsuid32", "setfsgid",
        "setfsgid32", "setgroups", "setgroups32",
    ]

    private static let cache = Mutex<[Bool: [UInt8]]>([:])

    /// The BPF program for a mode, built once per process.
    static func program(single: Bool) throws -> [UInt8] {
        if let cached = cache.withLock({ $0[single] }) { return cached }
        let built = try build(single: single)
        cache.withLock { $0[single] = built }
        return built
    }

    private static func errnoAction(_ err: Int32) -> UInt32 { 0x0005_0000 | (UInt32(err) & 0xffff) }

    private static func build(single: Bool) throws -> [UInt8] {
        guard let ctx = seccomp_init(SCMP_ACT_ALLOW) else {
            throw ReeError(.system, "failed to initialise seccomp filter")
        }
        defer { seccomp_release(ctx) }
        func check(_ rc: Int32, _ what: String) throws {
            if rc < 0 { throw ReeError.system("add seccomp rule", what, errno: -rc) }
        }
        // Do not let libseccomp set no_new_privs itself: the child does, and we only export.
        #if arch(x86_64)
        for arch in ["x86", "x32"] {
            let token = seccomp_arch_resolve_name(arch)
            if token != 0 { try check(seccomp_arch_add(ctx, token), "arch \(arch)") }
        }
        #endif
        let eperm = errnoAction(EPERM)
        func rule(_ name: String, _ action: UInt32, _ conditions: [scmp_arg_cmp] = []) throws {
            let nr = seccomp_syscall_resolve_name(name)
            if nr == __NR_SCMP_ERROR { return }   // unknown to this libseccomp: nothing to filter
            let rc = conditions.withUnsafeBufferPointer {
                seccomp_rule_add_array(ctx, action, nr, UInt32($0.count), $0.baseAddress)
            }
            // Pseudo-syscalls (absent on every architecture in the filter) are not an error.
            if rc < 0 && nr >= 0 { try check(rc, name) }
        }
        func masked(_ arg: UInt32, mask: UInt64, value: UInt64) -> scmp_arg_cmp {
            scmp_arg_cmp(arg: arg, op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: value)
        }
        for name in denied { try rule(name, eperm) }
        // New namespaces: clone with any CLONE_NEW* flag fails; clone3 hides its flags in memory, so it
        // reports ENOSYS and the C library falls back to clone.
        let namespaceFlags: [UInt64] = [0x0002_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000, 0x1000_0000, 0x2000_0000, 0x4000_0000, 0x0000_0080]
        for flag in namespaceFlags { try rule("clone", eperm, [masked(0, mask: flag, value: flag)]) }
        try rule("clone3", errnoAction(ENOSYS))
        // personality: only the harmless personas (queries have bit 31 set and pass).
        let badPersonality: [UInt64] = [0x0040000, 0x0100000, 0x0200000, 0x0400000, 0x0800000, 0x1000000, 0x2000000, 0x4000000, 0x8000000]
        for flag in badPersonality {
            try rule("personality", eperm, [masked(0, mask: flag | 0x8000_0000, value: flag)])
        }
        for request in [ree_tiocsti, ree_tioclinux] {
            try rule("ioctl", eperm, [scmp_arg_cmp(arg: 1, op: SCMP_CMP_MASKED_EQ, datum_a: 0xffff_ffff, datum_b: UInt64(request))])
        }
        if single {
            for name in faked { try rule(name, errnoAction(0)) }
            for type in [ree_s_ifchr, ree_s_ifblk] {
                try rule("mknod", errnoAction(0), [masked(1, mask: UInt64(ree_s_ifmt), value: UInt64(type))])
                try rule("mknodat", errnoAction(0), [masked(2, mask: UInt64(ree_s_ifmt), value: UInt64(type))])
            }
        }
        let fd = try checked("create memfd", "seccomp") { ree_memfd_create("ree-seccomp") }
        let file = FileDescriptor(adopting: fd, path: "seccomp memfd")
        try check(seccomp_export_bpf(ctx, fd), "export BPF")
        try file.seek(to: 0)
        let program = try file.readToEnd(limit: 1 << 20)
        guard program.count % 8 == 0, program.count / 8 <= Int(UInt16.max) else {
            throw ReeError(.corrupt, "failed to export seccomp filter: \(program.count) bytes")
        }
        return program
    }
}
