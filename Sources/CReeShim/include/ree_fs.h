#ifndef REE_FS_H
#define REE_FS_H
#include <sys/types.h>
#include <stdint.h>

/* pipe2(2); Swift's Glibc module does not export it. */
int ree_pipe2(int fds[2], int flags);

/* openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: `path` is resolved as if `rootfd` were "/".
   Returns the fd, or -1 with errno (ENOSYS when the kernel has no openat2). */
int ree_openat_in_root(int rootfd, const char *path, int flags, mode_t mode);

/* fchmodat2(2) with AT_SYMLINK_NOFOLLOW (Linux >= 6.6); -1 with ENOSYS where missing. */
int ree_fchmodat_nofollow(int dirfd, const char *name, mode_t mode);

/* The S_IF* constants, which do not import cleanly next to Foundation. */
extern const mode_t ree_s_ifmt, ree_s_ifreg, ree_s_ifdir, ree_s_iflnk, ree_s_ifchr, ree_s_ifblk, ree_s_ififo, ree_s_ifsock;

/* O_PATH (ree_o_path) is declared in ree_spawn.h. */

/* makedev/major/minor are macros in glibc. */
dev_t ree_makedev(unsigned int major, unsigned int minor);
unsigned int ree_major(dev_t dev);
unsigned int ree_minor(dev_t dev);


/* mkostemp(3) with O_CLOEXEC; not exported by Swift's Glibc module. */
int ree_mkstemp_cloexec(char *template_path);
/* Extended attributes (sys/xattr.h is not in Swift's Glibc module). */
int ree_fsetxattr(int fd, const char *name, const void *value, size_t size);
int ree_lsetxattr(const char *path, const char *name, const void *value, size_t size);
long ree_lgetxattr(const char *path, const char *name, void *value, size_t size);
long ree_llistxattr(const char *path, char *list, size_t size);
#endif
