/* Shared between spawn.c and rootfs.c; not part of the Swift-visible API. */
#ifndef REE_SPAWN_INTERNAL_H
#define REE_SPAWN_INTERNAL_H
#include "ree_spawn.h"

/* Sets up the root filesystem (mounts, devices, binds) and pivots into it, then creates and enters
   the working directory. Returns REE_STAGE_NONE, or the failed stage with errno set and *index. */
int ree_rootfs_setup(const struct ree_spawn_args *a, int32_t *index);
#endif
