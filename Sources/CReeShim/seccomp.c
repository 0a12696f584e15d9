/* Parent-side helpers for the sandbox's seccomp program; the filter itself is built with libseccomp
   in Swift and installed by spawn.c with the raw seccomp syscall. */
#define _GNU_SOURCE
#include "ree_seccomp.h"
#include <sys/ioctl.h>
#include <sys/mman.h>

int ree_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

const unsigned long ree_tiocsti = TIOCSTI, ree_tioclinux = TIOCLINUX;
