#ifndef CREESHIM_H
#define CREESHIM_H
/* One header per concern; this umbrella is what Swift imports. */
#include "ree_fs.h"
#include "ree_spawn.h"
#include "ree_net.h"
#include "ree_seccomp.h"
#endif
