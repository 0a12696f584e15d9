#ifndef REE_PROXY_H
#define REE_PROXY_H
/* The recorder's C: TLS interception with OpenSSL and upstream requests with libcurl,
 * both reachable from Swift only through these prefixed functions (no macros, no varargs). */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- TLS (tls.c) ---- */

/* Makes a CA (EC P-256, self-signed, CA:TRUE, keyCertSign) named `name`. On success returns 0 and
 * sets *cert_pem and *key_pem to malloc'd NUL-terminated PEM text; on failure returns -1 and fills err. */
int ree_tls_make_ca(const char *name, char **cert_pem, char **key_pem, char *err, size_t errlen);

typedef struct ree_tls_authority ree_tls_authority;
/* Loads a CA from PEM text; NULL and err on failure. */
ree_tls_authority *ree_tls_authority_new(const char *cert_pem, const char *key_pem, char *err, size_t errlen);
void ree_tls_authority_free(ree_tls_authority *authority);
/* A server context with a leaf certificate for `host` (DNS or IP SAN) signed by the authority. */
void *ree_tls_server_context(ree_tls_authority *authority, const char *host, char *err, size_t errlen);
void ree_tls_context_free(void *ctx);
/* Accepts TLS on a connected socket; NULL and err on failure. */
void *ree_tls_accept(void *ctx, int fd, char *err, size_t errlen);
/* 0 at EOF, -1 on error, else bytes. */
ssize_t ree_tls_read(void *ssl, void *buffer, size_t length);
/* Writes everything; 0 or -1. */
int ree_tls_write(void *ssl, const void *buffer, size_t length);
void ree_tls_close(void *ssl);

/* sha1 of bytes in base32 (as warcio writes digests): out needs 33 bytes. */
typedef struct ree_sha1 ree_sha1;
ree_sha1 *ree_sha1_new(void);
void ree_sha1_update(ree_sha1 *s, const void *data, size_t length);
void ree_sha1_base32(ree_sha1 *s, char out[33]);
void ree_sha1_free(ree_sha1 *s);

/* ---- Upstream (fetch.c) ---- */

typedef size_t (*ree_fetch_data_cb)(void *context, const char *data, size_t length);

typedef struct ree_fetch ree_fetch;
ree_fetch *ree_fetch_new(void);
void ree_fetch_free(ree_fetch *fetch);
/* One request, redirects not followed, no content decoding, system proxies ignored. Headers are
 * "Name: value" strings. Header lines (with the status line) go to on_header, body bytes to on_body.
 * Returns the CURLcode (0 = a response was received); err gets curl's message. */
int ree_fetch_perform(ree_fetch *fetch, const char *method, const char *url, const char *const *headers, size_t header_count,
                      const void *body, size_t body_length, const char *ca_file, void *context,
                      ree_fetch_data_cb on_header, ree_fetch_data_cb on_body, char *err, size_t errlen);
long ree_fetch_status(ree_fetch *fetch);

/* ---- Builder downloads (download.c): ADD <URL> ---- */

typedef struct ree_download_result {
    long status;              /* the final response's HTTP status, 0 when none came */
    long long last_modified;  /* its Last-Modified in seconds since the epoch, -1 when absent */
    long long size;           /* body bytes written */
    int too_large;            /* 1 when the body passed the limit (the call then fails) */
} ree_download_result;

/* GET `url` and write the body to `fd`, following up to 10 redirects (http and https only), with no
 * content decoding. `proxy` NULL: curl's own rules (the environment's proxy variables); else every
 * request goes through that proxy URL and `ca_file` (may be NULL) is the bundle that verifies origins.
 * A body over `limit` bytes stops the transfer. Returns the CURLcode (0 = a response was received,
 * whatever its status); err gets curl's message or the write error. Blocks: not for a thread pool. */
int ree_download(const char *url, const char *proxy, const char *ca_file, int fd, long long limit,
                 ree_download_result *result, char *err, size_t errlen);

#endif
