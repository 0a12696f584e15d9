/* The sandbox's process path: clone3 into new namespaces, the in-namespace init (pid 1), and the
   command's last steps before execve. Between clone and exec: raw syscalls only, no allocation,
   no locks; every failure is reported to the parent as {stage, errno, index} over a CLOEXEC pipe. */
#define _GNU_SOURCE
#include "spawn_internal.h"
#include "ree_net.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

static const char *const stage_names[REE_STAGE_COUNT] = {
    [REE_STAGE_NONE] = "start sandbox",
    [REE_STAGE_STDIO] = "set up standard descriptors",
    [REE_STAGE_PARENT_DEATH_SIGNAL] = "set parent death signal",
    [REE_STAGE_SYNC] = "wait for the parent",
    [REE_STAGE_SETGROUPS_DENY] = "write setgroups deny",
    [REE_STAGE_UID_MAP] = "write uid_map",
    [REE_STAGE_GID_MAP] = "write gid_map",
    [REE_STAGE_SCRUB] = "scrub the init's copy of the caller",
    [REE_STAGE_MOUNT_PRIVATE] = "make mounts private",
    [REE_STAGE_MOUNT_OVERLAY] = "mount overlay",
    [REE_STAGE_BIND_ROOT] = "bind root directory",
    [REE_STAGE_OPEN_ROOT] = "open root",
    [REE_STAGE_MOUNT_PROC] = "mount proc",
    [REE_STAGE_HARDEN_PROC] = "protect /proc",
    [REE_STAGE_MOUNT_DEV] = "mount dev",
    [REE_STAGE_DEVICE_NODE] = "bind device node",
    [REE_STAGE_MOUNT_DEVPTS] = "mount devpts",
    [REE_STAGE_MOUNT_SHM] = "mount shm",
    [REE_STAGE_MOUNT_MQUEUE] = "mount mqueue",
    [REE_STAGE_DEV_LINK] = "create dev link",
    [REE_STAGE_MOUNT_SYS] = "mount sys",
    [REE_STAGE_BIND_MOUNT] = "bind mount",
    [REE_STAGE_HOSTNAME] = "set hostname",
    [REE_STAGE_LOOPBACK] = "bring up loopback",
    [REE_STAGE_LISTEN] = "listen on loopback port",
    [REE_STAGE_SEND_LISTENER] = "send listener",
    [REE_STAGE_PIVOT_ROOT] = "pivot root",
    [REE_STAGE_DETACH_OLD_ROOT] = "detach old root",
    [REE_STAGE_WORKDIR] = "create working directory",
    [REE_STAGE_SIGNALS] = "set up signals",
    [REE_STAGE_SESSION] = "start a new session",
    [REE_STAGE_FORK] = "fork command",
    [REE_STAGE_RLIMIT] = "set resource limit",
    [REE_STAGE_SETGROUPS] = "set supplementary groups",
    [REE_STAGE_SETGID] = "set group id",
    [REE_STAGE_SETUID] = "set user id",
    [REE_STAGE_CAPABILITIES] = "drop capabilities",
    [REE_STAGE_NO_NEW_PRIVS] = "set no_new_privs",
    [REE_STAGE_SECCOMP] = "install seccomp filter",
    [REE_STAGE_CLOSE_FDS] = "close inherited descriptors",
    [REE_STAGE_EXEC] = "exec",
};

const char *ree_spawn_stage_name(int32_t stage) {
    if (stage < 0 || stage >= REE_STAGE_COUNT || !stage_names[stage]) return "set up sandbox";
    return stage_names[stage];
}

static void write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        p += n;
        len -= (size_t)n;
    }
}

static _Noreturn void fail(const struct ree_spawn_args *a, int stage, int32_t index) {
    struct ree_spawn_failure f = { .stage = stage, .error = errno, .index = index };
    write_all(a->error_fd, &f, sizeof(f));
    _exit(127);
}

static int write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = strlen(data);
    ssize_t n = write(fd, data, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)len ? 0 : -1;
}

/* "0 <id> 1\n" into buf. */
static const char *single_map(char buf[32], uint32_t id) {
    char digits[12];
    int n = 0;
    do { digits[n++] = (char)('0' + id % 10); id /= 10; } while (id);
    int i = 0;
    buf[i++] = '0';
    buf[i++] = ' ';
    while (n) buf[i++] = digits[--n];
    buf[i++] = ' ';
    buf[i++] = '1';
    buf[i++] = '\n';
    buf[i] = 0;
    return buf;
}

static int set_stdio(const struct ree_spawn_args *a) {
    int fds[3] = { a->stdin_fd, a->stdout_fd, a->stderr_fd };
    for (int i = 0; i < 3; i++) {
        if (fds[i] == i) {
            if (fcntl(i, F_SETFD, 0) != 0) return -1;
        } else if (dup2(fds[i], i) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- the command ---- */

static int reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        (void)sigaction(sig, &dfl, NULL);   /* fails only for signals glibc reserves */
    }
    sigset_t none;
    sigemptyset(&none);
    return sigprocmask(SIG_SETMASK, &none, NULL);
}

static int close_inherited(int keep) {
    if (keep > 3 && syscall(SYS_close_range, 3, keep - 1, 0) != 0) return -1;
    return (int)syscall(SYS_close_range, keep + 1, ~0U, 0);
}

/* execve with a PATH search (from the command's environment) when argv[0] has no slash. */
static void exec_command(const struct ree_spawn_args *a) {
    const char *file = a->argv[0];
    if (strchr(file, '/')) {
        execve(file, a->argv, a->envp);
        return;
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char *const *e = a->envp; *e; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) { path = *e + 5; break; }
    }
    size_t flen = strlen(file);
    int seen_eacces = 0;
    char buf[PATH_MAX];
    const char *p = path;
    while (1) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        if (dlen + 1 + flen + 1 <= sizeof(buf)) {
            size_t i = 0;
            if (dlen == 0) buf[i++] = '.';
            else { memcpy(buf, p, dlen); i = dlen; }
            buf[i++] = '/';
            memcpy(buf + i, file, flen + 1);
            execve(buf, a->argv, a->envp);
            if (errno == EACCES) seen_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR) return;
        }
        if (!end) break;
        p = end + 1;
    }
    errno = seen_eacces ? EACCES : ENOENT;
}

/* Docker's default capability set: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
   NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP (all below 32). */
static const uint32_t kept_capabilities = (1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
    (1u << 7) | (1u << 8) | (1u << 10) | (1u << 13) | (1u << 18) | (1u << 27) | (1u << 29) | (1u << 31);

static int drop_bounding_set(void) {
    for (int cap = 0; cap < 64; cap++) {
        if (cap < 32 && (kept_capabilities & (1u << cap))) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -1;
    }
    return 0;
}

static int limit_capabilities(void) {
    struct { uint32_t version; int pid; } header = { 0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0 };
    struct { uint32_t effective, permitted, inheritable; } data[2];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    data[0].effective &= kept_capabilities;
    data[0].permitted &= kept_capabilities;
    data[0].inheritable = 0;
    data[1].effective = data[1].permitted = data[1].inheritable = 0;
    return (int)syscall(SYS_capset, &header, data);
}

static _Noreturn void command_main(const struct ree_spawn_args *a) {
    if (drop_bounding_set() != 0) fail(a, REE_STAGE_CAPABILITIES, 0);
    for (size_t i = 0; i < a->rlimit_count; i++) {
        struct rlimit rl = { .rlim_cur = a->rlimits[i].soft, .rlim_max = a->rlimits[i].hard };
        if (setrlimit(a->rlimits[i].resource, &rl) != 0) fail(a, REE_STAGE_RLIMIT, (int32_t)i);
    }
    if (a->set_ids) {
        if (syscall(SYS_setgroups, a->group_count, a->groups) != 0) fail(a, REE_STAGE_SETGROUPS, 0);
        if (syscall(SYS_setresgid, a->gid, a->gid, a->gid) != 0) fail(a, REE_STAGE_SETGID, 0);
        if (syscall(SYS_setresuid, a->uid, a->uid, a->uid) != 0) fail(a, REE_STAGE_SETUID, 0);
    }
    if (limit_capabilities() != 0) fail(a, REE_STAGE_CAPABILITIES, 1);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(a, REE_STAGE_NO_NEW_PRIVS, 0);
    if (a->filter_length > 0) {
        struct sock_fprog prog = { .len = a->filter_length, .filter = (struct sock_filter *)a->filter };
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) fail(a, REE_STAGE_SECCOMP, 0);
    }
    if (close_inherited(a->error_fd) != 0) fail(a, REE_STAGE_CLOSE_FDS, 0);
    if (reset_signals() != 0) fail(a, REE_STAGE_SIGNALS, 0);
    exec_command(a);
    fail(a, REE_STAGE_EXEC, 0);
}

/* ---- the init (pid 1 of the namespace) ---- */

static volatile pid_t command_pid = 0;

static void forward_signal(int sig) {
    int saved = errno;
    if (command_pid > 0) kill(command_pid, sig);
    errno = saved;
}

static const int forwarded_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/* Closes every descriptor >= 3 except the three the init needs: a concurrent spawn in the parent may
   have handed us its pipes, which must not stay open here. */
static int close_all_but(int k0, int k1, int k2) {
    int keep[3] = { k0, k1, k2 };
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) { int t = keep[i]; keep[i] = keep[j]; keep[j] = t; }
    unsigned int from = 3;
    for (int i = 0; i < 3; i++) {
        if (keep[i] < (int)from) continue;
        if ((unsigned int)keep[i] > from && syscall(SYS_close_range, from, (unsigned int)keep[i] - 1, 0) != 0) return -1;
        from = (unsigned int)keep[i] + 1;
    }
    return (int)syscall(SYS_close_range, from, ~0U, 0);
}

/* The init is a copy of the caller without an exec: its /proc/1/cmdline would show the caller's arguments
   to the command. Zero the argument and environment strings (their bounds are fields 48 to 51 of
   /proc/self/stat) and make the init non-dumpable, so its memory (a copy of the caller's, keys included)
   is out of reach of ptrace and /proc/1/mem even for a process of the same uid. */
static int scrub_caller_memory(void) {
    char buf[4096];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) { errno = EINVAL; return -1; }
    unsigned long field[53];
    memset(field, 0, sizeof(field));
    int index = 2;   /* ')' ends field 2 */
    for (p++; *p && index < 52; p++) {
        if (*p == ' ') { index++; continue; }
        if (*p >= '0' && *p <= '9') field[index] = field[index] * 10 + (unsigned long)(*p - '0');
    }
    for (int i = 48; i <= 50; i += 2) {
        if (field[i] && field[i + 1] > field[i] && field[i + 1] - field[i] < (1ul << 24))
            memset((void *)field[i], 0, field[i + 1] - field[i]);
    }
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int wait_for_parent(int fd) {
    char byte;
    ssize_t n;
    do { n = read(fd, &byte, 1); } while (n < 0 && errno == EINTR);
    if (n == 1) return 0;
    if (n == 0) errno = EPIPE;
    return -1;
}

static _Noreturn void init_main(const struct ree_spawn_args *a) {
    if (set_stdio(a) != 0) fail(a, REE_STAGE_STDIO, 0);
    if (close_all_but(a->sync_fd, a->error_fd, a->control_fd) != 0) fail(a, REE_STAGE_CLOSE_FDS, 0);
    if (a->new_session && setsid() < 0) fail(a, REE_STAGE_SESSION, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(a, REE_STAGE_PARENT_DEATH_SIGNAL, 0);
    if (a->single_id) {
        char buf[32];
        if (write_file("/proc/self/setgroups", "deny") != 0) fail(a, REE_STAGE_SETGROUPS_DENY, 0);
        if (write_file("/proc/self/uid_map", single_map(buf, a->outer_uid)) != 0) fail(a, REE_STAGE_UID_MAP, 0);
        if (write_file("/proc/self/gid_map", single_map(buf, a->outer_gid)) != 0) fail(a, REE_STAGE_GID_MAP, 0);
    }
    /* The parent sends one byte once the full maps are written... */
    if (wait_for_parent(a->sync_fd) != 0) fail(a, REE_STAGE_SYNC, 0);
    if (scrub_caller_memory() != 0) fail(a, REE_STAGE_SCRUB, 0);

    int32_t index = 0;
    int stage = ree_rootfs_setup(a, &index);
    if (stage != REE_STAGE_NONE) fail(a, stage, index);
    if (sethostname(a->hostname, strlen(a->hostname)) != 0) fail(a, REE_STAGE_HOSTNAME, 0);
    if (ree_loopback_up() != 0) fail(a, REE_STAGE_LOOPBACK, 0);
    if (a->listen_port >= 0) {
        int s = ree_listen_loopback((uint16_t)a->listen_port);
        if (s < 0) fail(a, REE_STAGE_LISTEN, 0);
        if (ree_send_fd(a->control_fd, REE_CONTROL_LISTENER, s) != 0) fail(a, REE_STAGE_SEND_LISTENER, 0);
        close(s);
    }

    /* ...and another once we are in the sandbox's cgroups (moving a task between cgroups takes
       milliseconds: the mounts above are set up meanwhile). */
    if (wait_for_parent(a->sync_fd) != 0) fail(a, REE_STAGE_SYNC, 1);
    close(a->sync_fd);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward_signal;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++) {
        if (sigaction(forwarded_signals[i], &sa, NULL) != 0) fail(a, REE_STAGE_SIGNALS, 0);
    }
    /* Signals stay blocked across the fork so none is lost before command_pid is known; the command
       resets dispositions and mask before its exec. */
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &all, NULL) != 0) fail(a, REE_STAGE_SIGNALS, 0);
    long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) fail(a, REE_STAGE_FORK, 0);
    if (pid == 0) command_main(a);
    command_pid = (pid_t)pid;
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) fail(a, REE_STAGE_SIGNALS, 0);
    close(a->error_fd);   /* from now on only the command holds it, until its exec */

    /* Reap every child; when the command ends, report its status and exit: the kernel then kills
       whatever is left in the pid namespace. */
    int status = 0;
    while (1) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            status = 127 << 8;
            break;
        }
        if (w == (pid_t)pid) { status = st; break; }
    }
    char msg[1 + sizeof(int32_t)];
    int32_t st32 = status;
    msg[0] = REE_CONTROL_STATUS;
    memcpy(msg + 1, &st32, sizeof(st32));
    while (send(a->control_fd, msg, sizeof(msg), MSG_NOSIGNAL) < 0 && errno == EINTR) {}
    _exit(0);
}

pid_t ree_spawn(const struct ree_spawn_args *a, int *pidfd) {
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_PIDFD;
    ca.pidfd = (uint64_t)(uintptr_t)pidfd;
    ca.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0) init_main(a);
    return (pid_t)pid;
}

int ree_control_receive(int sock, int32_t *type, int32_t *value, int *fd) {
    char buf[1 + sizeof(int32_t)];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    union { char c[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    memset(&control, 0, sizeof(control));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.c;
    msg.msg_controllen = sizeof(control.c);
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n <= 0) return (int)n;
    *type = buf[0];
    *value = 0;
    *fd = -1;
    if (n == (ssize_t)sizeof(buf)) memcpy(value, buf + 1, sizeof(int32_t));
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(c), sizeof(int));
    }
    return 1;
}

int ree_pidfd_send_signal(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }

int ree_control_socketpair(int fds[2]) { return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds); }

int ree_wait_exited(int status) { return WIFEXITED(status); }
int ree_wait_exit_code(int status) { return WEXITSTATUS(status); }
int ree_wait_signaled(int status) { return WIFSIGNALED(status); }
int ree_wait_term_signal(int status) { return WTERMSIG(status); }

const int ree_o_path = O_PATH;
const int ree_rlimit_nproc = RLIMIT_NPROC, ree_rlimit_nofile = RLIMIT_NOFILE, ree_rlimit_fsize = RLIMIT_FSIZE,
          ree_rlimit_core = RLIMIT_CORE;
