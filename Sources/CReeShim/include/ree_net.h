#ifndef REE_NET_H
#define REE_NET_H
#include <stdint.h>

/* Brings the loopback interface of the current network namespace up. 0 or -1 with errno. */
int ree_loopback_up(void);

/* A listening TCP socket on 127.0.0.1:port (O_CLOEXEC). fd or -1 with errno. */
int ree_listen_loopback(uint16_t port);

/* Sends `fd` with one message byte `type` over a unix socket (SCM_RIGHTS). 0 or -1 with errno. */
int ree_send_fd(int sock, char type, int fd);
#endif
