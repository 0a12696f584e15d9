/* The sandbox's mount namespace: root filesystem, /proc, /dev, /sys, bind mounts, pivot_root.
   Runs in the cloned child between clone and exec: raw syscalls only, no allocation.
   Every path inside the root is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so a
   symlink in a (hostile) image cannot point a mount at a host path; mounts then target
   /proc/self/fd/N or use the fd-based mount API. */
#define _GNU_SOURCE
#include "spawn_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int in_root(int rootfd, const char *path, int flags) {
    struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .mode = 0,
                            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    for (int tries = 0; tries < 16; tries++) {
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        if (fd >= 0) return (int)fd;
        if (errno != EAGAIN && errno != EINTR) return -1;
    }
    return -1;
}

/* "/proc/self/fd/N" into buf. */
static const char *fd_path(char buf[32], int fd) {
    static const char prefix[] = "/proc/self/fd/";
    char digits[12];
    int n = 0;
    unsigned int v = (unsigned int)fd;
    do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v && n < 11);
    int i = 0;
    for (; prefix[i]; i++) buf[i] = prefix[i];
    while (n) buf[i++] = digits[--n];
    buf[i] = 0;
    return buf;
}

static void close_keep_errno(int fd) {
    int saved = errno;
    if (fd >= 0) close(fd);
    errno = saved;
}

/* mount(2) of a new filesystem onto the directory `path` inside the root. */
static int mount_fs_in_root(int rootfd, const char *path, const char *fstype, unsigned long flags, const char *data) {
    int t = in_root(rootfd, path, O_PATH | O_DIRECTORY);
    if (t < 0) return -1;
    char buf[32];
    int rc = mount(fstype, fd_path(buf, t), fstype, flags, data);
    close_keep_errno(t);
    return rc;
}

/* Clones the host tree at `source` and attaches it on `targetfd`, read-only when asked. */
static int bind_onto(const char *source, int targetfd, int read_only, int recursive) {
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (tree < 0) return -1;
    if (read_only) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) != 0) {
            close_keep_errno(tree);
            return -1;
        }
    }
    int rc = (int)syscall(SYS_move_mount, tree, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    close_keep_errno(tree);
    return rc;
}

/* As Docker does: with a full identity map the sandbox's root is the host's uid 0, which the DAC checks of
   /proc/sysrq-trigger and /proc/sys honour without any capability. Those become read-only, and files
   that describe the host are masked. */
static const char *const proc_read_only[] = { "bus", "fs", "irq", "sys", "sysrq-trigger" };
static const char *const proc_masked[] = { "acpi", "asound", "kcore", "keys", "latency_stats", "sched_debug",
                                           "scsi", "timer_list", "timer_stats" };

static int harden_proc(int rootfd, int32_t *index) {
    int proc = in_root(rootfd, "/proc", O_PATH | O_DIRECTORY);
    if (proc < 0) return REE_STAGE_HARDEN_PROC;
    for (int i = 0; i < (int)(sizeof(proc_read_only) / sizeof(proc_read_only[0])); i++) {
        *index = i;
        int tree = (int)syscall(SYS_open_tree, proc, proc_read_only[i],
                                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
        if (tree < 0) {
            if (errno == ENOENT) continue;
            close_keep_errno(proc);
            return REE_STAGE_HARDEN_PROC;
        }
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        int t = -1;
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0 ||
            (t = openat(proc, proc_read_only[i], O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
            syscall(SYS_move_mount, tree, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
            close_keep_errno(t);
            close_keep_errno(tree);
            close_keep_errno(proc);
            return REE_STAGE_HARDEN_PROC;
        }
        close(t);
        close(tree);
    }
    for (int i = 0; i < (int)(sizeof(proc_masked) / sizeof(proc_masked[0])); i++) {
        *index = 100 + i;
        int t = openat(proc, proc_masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (t < 0) {
            if (errno == ENOENT) continue;
            close_keep_errno(proc);
            return REE_STAGE_HARDEN_PROC;
        }
        struct stat st;
        int rc = fstat(t, &st);
        if (rc == 0 && S_ISDIR(st.st_mode)) {
            char buf[32];
            rc = mount("tmpfs", fd_path(buf, t), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=555,size=4k");
        } else if (rc == 0) {
            rc = bind_onto("/dev/null", t, 1, 0);
        }
        close_keep_errno(t);
        if (rc != 0) {
            close_keep_errno(proc);
            return REE_STAGE_HARDEN_PROC;
        }
    }
    close(proc);
    *index = 0;
    return REE_STAGE_NONE;
}

static const char *const device_names[] = { "null", "zero", "full", "random", "urandom", "tty" };

static int setup_dev(int rootfd, int32_t *index) {
    if (mount_fs_in_root(rootfd, "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k") != 0)
        return REE_STAGE_MOUNT_DEV;
    int dev = in_root(rootfd, "/dev", O_PATH | O_DIRECTORY);
    if (dev < 0) return REE_STAGE_MOUNT_DEV;
    char host[32] = "/dev/";
    for (int i = 0; i < (int)(sizeof(device_names) / sizeof(device_names[0])); i++) {
        *index = i;
        const char *name = device_names[i];
        int k = 0;
        for (; name[k]; k++) host[5 + k] = name[k];
        host[5 + k] = 0;
        struct stat st;
        if (stat(host, &st) != 0) continue;        /* the host has no such node: leave it out */
        int f = openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (f < 0) { close_keep_errno(dev); return REE_STAGE_DEVICE_NODE; }
        close(f);
        int t = openat(dev, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (t < 0 || bind_onto(host, t, 0, 0) != 0) {
            close_keep_errno(t);
            close_keep_errno(dev);
            return REE_STAGE_DEVICE_NODE;
        }
        close(t);
    }
    *index = 0;
    if (mkdirat(dev, "pts", 0755) != 0 ||
        mount_fs_in_root(rootfd, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") != 0) {
        close_keep_errno(dev);
        return REE_STAGE_MOUNT_DEVPTS;
    }
    if (mkdirat(dev, "shm", 01777) != 0 ||
        mount_fs_in_root(rootfd, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k") != 0) {
        close_keep_errno(dev);
        return REE_STAGE_MOUNT_SHM;
    }
    if (mkdirat(dev, "mqueue", 0755) != 0 ||
        mount_fs_in_root(rootfd, "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
        close_keep_errno(dev);
        return REE_STAGE_MOUNT_MQUEUE;
    }
    static const char *const links[][2] = {
        { "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
        { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
    };
    for (int i = 0; i < (int)(sizeof(links) / sizeof(links[0])); i++) {
        *index = i;
        if (symlinkat(links[i][0], dev, links[i][1]) != 0) { close_keep_errno(dev); return REE_STAGE_DEV_LINK; }
    }
    close(dev);
    return REE_STAGE_NONE;
}

/* mkdir -p of `path` inside the root (the current "/"), then chdir into it. */
static int enter_workdir(const char *path) {
    char buf[PATH_MAX];
    size_t len = 0;
    while (path[len]) {
        if (len + 1 >= sizeof(buf)) { errno = ENAMETOOLONG; return -1; }
        buf[len] = path[len];
        len++;
    }
    buf[len] = 0;
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return -1;
    for (size_t i = 1; i <= len; i++) {
        if (i != len && buf[i] != '/') continue;
        if (buf[i - 1] == '/') continue;
        char saved = buf[i];
        buf[i] = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) { buf[i] = saved; close_keep_errno(root); return -1; }
        buf[i] = saved;
    }
    int dir = in_root(root, buf, O_PATH | O_DIRECTORY);
    close_keep_errno(root);
    if (dir < 0) return -1;
    int rc = fchdir(dir);
    close_keep_errno(dir);
    return rc;
}

/* The overlay through fsopen/fsconfig: each lower directory is its own "lowerdir+" parameter, so the
   number of layers is not bounded by the page-sized option string of mount(2). */
static int mount_overlay_by_parameters(const struct ree_spawn_args *a) {
    int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < a->overlay_lower_count; i++)
        rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", a->overlay_lowers[i], 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", a->overlay_upper, 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", a->overlay_work, 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "redirect_dir", "nofollow", 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "metacopy", "off", 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int mnt = rc == 0 ? (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0) : -1;
    close_keep_errno(fs);
    if (mnt < 0) return -1;
    rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, a->root_mountpoint, MOVE_MOUNT_F_EMPTY_PATH);
    close_keep_errno(mnt);
    return rc;
}

int ree_rootfs_setup(const struct ree_spawn_args *a, int32_t *index) {
    *index = 0;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return REE_STAGE_MOUNT_PRIVATE;
    if (a->root_kind == REE_ROOT_OVERLAY) {
        int rc = a->overlay_options ? mount("overlay", a->root_mountpoint, "overlay", 0, a->overlay_options)
                                    : mount_overlay_by_parameters(a);
        if (rc != 0) return REE_STAGE_MOUNT_OVERLAY;
    } else {
        if (mount(a->root_source, a->root_mountpoint, NULL, MS_BIND | MS_REC, NULL) != 0) return REE_STAGE_BIND_ROOT;
    }
    int root = open(a->root_mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return REE_STAGE_OPEN_ROOT;

    int stage = REE_STAGE_NONE;
    /* proc first: the kernel mounts a new proc only while a fully visible one exists. */
    if (mount_fs_in_root(root, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) { stage = REE_STAGE_MOUNT_PROC; goto fail; }
    if ((stage = harden_proc(root, index)) != REE_STAGE_NONE) goto fail;
    if ((stage = setup_dev(root, index)) != REE_STAGE_NONE) goto fail;
    if (mount_fs_in_root(root, "/sys", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=555,size=4k") != 0 && errno != ENOENT) {
        stage = REE_STAGE_MOUNT_SYS;
        goto fail;
    }
    for (size_t i = 0; i < a->mount_count; i++) {
        *index = (int32_t)i;
        const struct ree_spawn_mount *m = &a->mounts[i];
        int t = in_root(root, m->target, O_PATH);
        if (t < 0 || bind_onto(m->source, t, m->read_only, 1) != 0) {
            close_keep_errno(t);
            stage = REE_STAGE_BIND_MOUNT;
            goto fail;
        }
        close(t);
    }
    *index = 0;
    if (fchdir(root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0) { stage = REE_STAGE_PIVOT_ROOT; goto fail; }
    close(root);
    root = -1;
    if (umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) return REE_STAGE_DETACH_OLD_ROOT;
    if (enter_workdir(a->workdir) != 0) return REE_STAGE_WORKDIR;
    return REE_STAGE_NONE;
fail:
    close_keep_errno(root);
    return stage;
}
