#ifndef REE_SPAWN_H
#define REE_SPAWN_H
/* The clone-to-exec path of the sandbox: everything here runs between clone and exec and is
   async-signal-safe (raw syscalls, no allocation, no locks). The parent prepares every string and
   buffer before calling ree_spawn. */
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/* The step of the child's setup that failed; sent to the parent as a ree_spawn_failure. */
enum ree_spawn_stage {
    REE_STAGE_NONE = 0,
    REE_STAGE_STDIO,
    REE_STAGE_PARENT_DEATH_SIGNAL,
    REE_STAGE_SYNC,
    REE_STAGE_SETGROUPS_DENY,
    REE_STAGE_UID_MAP,
    REE_STAGE_GID_MAP,
    REE_STAGE_SCRUB,
    REE_STAGE_MOUNT_PRIVATE,
    REE_STAGE_MOUNT_OVERLAY,
    REE_STAGE_BIND_ROOT,
    REE_STAGE_OPEN_ROOT,
    REE_STAGE_MOUNT_PROC,
    REE_STAGE_HARDEN_PROC,
    REE_STAGE_MOUNT_DEV,
    REE_STAGE_DEVICE_NODE,
    REE_STAGE_MOUNT_DEVPTS,
    REE_STAGE_MOUNT_SHM,
    REE_STAGE_MOUNT_MQUEUE,
    REE_STAGE_DEV_LINK,
    REE_STAGE_MOUNT_SYS,
    REE_STAGE_BIND_MOUNT,
    REE_STAGE_HOSTNAME,
    REE_STAGE_LOOPBACK,
    REE_STAGE_LISTEN,
    REE_STAGE_SEND_LISTENER,
    REE_STAGE_PIVOT_ROOT,
    REE_STAGE_DETACH_OLD_ROOT,
    REE_STAGE_WORKDIR,
    REE_STAGE_SIGNALS,
    REE_STAGE_SESSION,
    REE_STAGE_FORK,
    REE_STAGE_RLIMIT,
    REE_STAGE_SETGROUPS,
    REE_STAGE_SETGID,
    REE_STAGE_SETUID,
    REE_STAGE_CAPABILITIES,
    REE_STAGE_NO_NEW_PRIVS,
    REE_STAGE_SECCOMP,
    REE_STAGE_CLOSE_FDS,
    REE_STAGE_EXEC,
    REE_STAGE_COUNT
};

/* What a failing child writes to the error pipe. `index` names the bind mount or device for those stages. */
struct ree_spawn_failure {
    int32_t stage;
    int32_t error;
    int32_t index;
};

/* The verb phrase for a stage ("mount overlay", "exec"), for error messages. */
const char *ree_spawn_stage_name(int32_t stage);

struct ree_spawn_mount {
    const char *source;   /* host path, opened before pivot_root */
    const char *target;   /* path inside the root, resolved with RESOLVE_IN_ROOT */
    int32_t read_only;
};

struct ree_spawn_rlimit {
    int32_t resource;
    uint64_t soft;
    uint64_t hard;
};

enum ree_root_kind { REE_ROOT_OVERLAY = 0, REE_ROOT_DIRECTORY = 1 };

/* Messages on the control socket (SOCK_SEQPACKET), child to parent. */
enum ree_control_message { REE_CONTROL_LISTENER = 'L', REE_CONTROL_STATUS = 'S' };

struct ree_spawn_args {
    /* Root filesystem: overlay of `overlay_options` mounted on `root_mountpoint`, or a
       recursive bind of `root_source` there. */
    int32_t root_kind;
    const char *root_mountpoint;
    const char *overlay_options;   /* for mount(2); NULL when too long: then the fd-based API with one
                                      "lowerdir+" per layer (kernel >= 6.8) and the fields below */
    const char *const *overlay_lowers;
    size_t overlay_lower_count;
    const char *overlay_upper;
    const char *overlay_work;
    const char *root_source;

    const struct ree_spawn_mount *mounts;
    size_t mount_count;

    const char *hostname;
    const char *workdir;           /* absolute, created when missing */
    char *const *argv;             /* NULL-terminated */
    char *const *envp;             /* NULL-terminated */

    /* Identity. single_id: the child writes "0 outer 1" maps itself; otherwise the parent writes
       them before releasing the child through sync_fd. set_ids: setgroups/setresgid/setresuid. */
    int32_t single_id;
    uint32_t outer_uid, outer_gid;
    int32_t set_ids;
    uint32_t uid, gid;
    const gid_t *groups;
    size_t group_count;

    const struct ree_spawn_rlimit *rlimits;
    size_t rlimit_count;

    /* A classic BPF program (struct sock_filter[]), installed after PR_SET_NO_NEW_PRIVS. */
    const void *filter;
    uint16_t filter_length;

    int32_t listen_port;           /* < 0: none */
    int32_t new_session;           /* setsid: no controlling terminal (for captured output) */

    int32_t stdin_fd, stdout_fd, stderr_fd;
    int32_t sync_fd;               /* read end; the parent writes one byte after the id maps, one after the cgroups */
    int32_t error_fd;              /* write end, O_CLOEXEC: EOF at the parent means exec succeeded */
    int32_t control_fd;            /* socketpair end for the listener fd and the final wait status */
};

/* clone3 into new user, mount, pid, uts, ipc and network namespaces. Returns the child's pid and
   stores a pidfd in *pidfd, or returns -1 with errno. */
pid_t ree_spawn(const struct ree_spawn_args *args, int *pidfd);

/* Receives one control message: *type is REE_CONTROL_*, *value the status, *fd a passed descriptor
   (or -1). Returns 1, 0 at end of stream, -1 with errno. */
int ree_control_receive(int sock, int32_t *type, int32_t *value, int *fd);

/* pidfd_send_signal(2). */
int ree_pidfd_send_signal(int pidfd, int sig);

/* socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). */
int ree_control_socketpair(int fds[2]);

/* O_PATH, which Swift's Glibc module does not export. */
extern const int ree_o_path;

/* RLIMIT_* resources, an enum Swift imports awkwardly. */
extern const int ree_rlimit_nproc, ree_rlimit_nofile, ree_rlimit_fsize, ree_rlimit_core;

/* The WIFEXITED family, which are macros. */
int ree_wait_exited(int status);
int ree_wait_exit_code(int status);
int ree_wait_signaled(int status);
int ree_wait_term_signal(int status);
#endif
