#ifndef REE_SECCOMP_H
#define REE_SECCOMP_H
/* Helpers for building the sandbox's seccomp program in the parent (libseccomp exports into a memfd). */

/* memfd_create(2) with MFD_CLOEXEC. fd or -1 with errno. */
int ree_memfd_create(const char *name);

/* ioctl request numbers a sandboxed command must not use (terminal input injection). */
extern const unsigned long ree_tiocsti, ree_tioclinux;
#endif
