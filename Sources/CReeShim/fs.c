#define _GNU_SOURCE
#include "ree_fs.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int ree_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }

int ree_openat_in_root(int rootfd, const char *path, int flags, mode_t mode) {
    struct open_how how = {0};
    how.flags = (uint64_t)flags;
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (int tries = 0; tries < 16; tries++) {
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        if (fd >= 0) return (int)fd;
        if (errno != EAGAIN && errno != EINTR) return -1;
    }
    return -1;
}

int ree_fchmodat_nofollow(int dirfd, const char *name, mode_t mode) {
    return (int)syscall(SYS_fchmodat2, dirfd, name, mode, AT_SYMLINK_NOFOLLOW);
}

const mode_t ree_s_ifmt = S_IFMT, ree_s_ifreg = S_IFREG, ree_s_ifdir = S_IFDIR, ree_s_iflnk = S_IFLNK,
             ree_s_ifchr = S_IFCHR, ree_s_ifblk = S_IFBLK, ree_s_ififo = S_IFIFO, ree_s_ifsock = S_IFSOCK;

dev_t ree_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }
unsigned int ree_major(dev_t dev) { return major(dev); }
unsigned int ree_minor(dev_t dev) { return minor(dev); }

int ree_mkstemp_cloexec(char *template_path) { return mkostemp(template_path, O_CLOEXEC); }

int ree_fsetxattr(int fd, const char *name, const void *value, size_t size) { return fsetxattr(fd, name, value, size, 0); }
int ree_lsetxattr(const char *path, const char *name, const void *value, size_t size) { return lsetxattr(path, name, value, size, 0); }
long ree_lgetxattr(const char *path, const char *name, void *value, size_t size) { return (long)lgetxattr(path, name, value, size); }
long ree_llistxattr(const char *path, char *list, size_t size) { return (long)llistxattr(path, list, size); }
