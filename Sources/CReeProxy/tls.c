#include "ree_proxy.h"
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ree_tls_authority {
    X509 *cert;
    EVP_PKEY *key;
    EVP_PKEY *leaf_key;
};

static void ree_tls_error(char *err, size_t errlen, const char *what) {
    unsigned long e = ERR_get_error();
    char reason[256] = "unknown error";
    if (e) ERR_error_string_n(e, reason, sizeof reason);
    snprintf(err, errlen, "failed to %s: %s", what, reason);
    ERR_clear_error();
}

static EVP_PKEY *ree_tls_ec_key(void) { return EVP_EC_gen("P-256"); }

static char *ree_tls_bio_text(BIO *bio) {
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    if (!out) return NULL;
    memcpy(out, data, (size_t)n);
    out[n] = 0;
    return out;
}

static int ree_tls_add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext) return -1;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

static int ree_tls_serial(X509 *cert) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return -1;
    bytes[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(bytes, sizeof bytes, NULL);
    if (!bn) return -1;
    int ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
    BN_free(bn);
    return ok ? 0 : -1;
}

int ree_tls_make_ca(const char *name, char **cert_pem, char **key_pem, char *err, size_t errlen) {
    EVP_PKEY *key = ree_tls_ec_key();
    X509 *cert = X509_new();
    BIO *cbio = BIO_new(BIO_s_mem()), *kbio = BIO_new(BIO_s_mem());
    int rc = -1;
    if (!key || !cert || !cbio || !kbio) { ree_tls_error(err, errlen, "make the CA key"); goto done; }
    X509_set_version(cert, 2);
    if (ree_tls_serial(cert) != 0) { ree_tls_error(err, errlen, "make a serial number"); goto done; }
    /* Valid from 2000 to 2099: a replay years later still trusts it. */
    ASN1_TIME_set_string(X509_getm_notBefore(cert), "20000101000000Z");
    ASN1_TIME_set_string(X509_getm_notAfter(cert), "20991231235959Z");
    X509_NAME *subject = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, (const unsigned char *)"ree recorder", -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, (const unsigned char *)name, -1, -1, 0);
    X509_set_issuer_name(cert, subject);
    X509_set_pubkey(cert, key);
    if (ree_tls_add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        ree_tls_add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        ree_tls_add_ext(cert, cert, NID_subject_key_identifier, "hash")) {
        ree_tls_error(err, errlen, "add the CA extensions"); goto done;
    }
    if (!X509_sign(cert, key, EVP_sha256())) { ree_tls_error(err, errlen, "sign the CA"); goto done; }
    if (!PEM_write_bio_X509(cbio, cert) || !PEM_write_bio_PrivateKey(kbio, key, NULL, NULL, 0, NULL, NULL)) {
        ree_tls_error(err, errlen, "write the CA"); goto done;
    }
    *cert_pem = ree_tls_bio_text(cbio);
    *key_pem = ree_tls_bio_text(kbio);
    rc = (*cert_pem && *key_pem) ? 0 : -1;
done:
    EVP_PKEY_free(key);
    X509_free(cert);
    BIO_free(cbio);
    BIO_free(kbio);
    return rc;
}

ree_tls_authority *ree_tls_authority_new(const char *cert_pem, const char *key_pem, char *err, size_t errlen) {
    ree_tls_authority *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
    a->cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    a->key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    a->leaf_key = ree_tls_ec_key();
    BIO_free(cb);
    BIO_free(kb);
    if (!a->cert || !a->key || !a->leaf_key || X509_check_private_key(a->cert, a->key) != 1) {
        ree_tls_error(err, errlen, "load the recording CA");
        ree_tls_authority_free(a);
        return NULL;
    }
    return a;
}

void ree_tls_authority_free(ree_tls_authority *a) {
    if (!a) return;
    X509_free(a->cert);
    EVP_PKEY_free(a->key);
    EVP_PKEY_free(a->leaf_key);
    free(a);
}

void *ree_tls_server_context(ree_tls_authority *a, const char *host, char *err, size_t errlen) {
    X509 *cert = X509_new();
    SSL_CTX *ctx = NULL;
    char san[600];
    unsigned char ip[16];
    int is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    snprintf(san, sizeof san, "%s:%s", is_ip ? "IP" : "DNS", host);
    if (!cert) { ree_tls_error(err, errlen, "make a leaf certificate"); return NULL; }
    X509_set_version(cert, 2);
    if (ree_tls_serial(cert) != 0) { ree_tls_error(err, errlen, "make a serial number"); goto fail; }
    X509_gmtime_adj(X509_getm_notBefore(cert), -86400L * 2);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365);
    X509_NAME *subject = X509_get_subject_name(cert);
    const char *cn = strlen(host) < 64 ? host : "ree-recorder-leaf";
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(a->cert));
    X509_set_pubkey(cert, a->leaf_key);
    if (ree_tls_add_ext(cert, a->cert, NID_basic_constraints, "critical,CA:FALSE") ||
        ree_tls_add_ext(cert, a->cert, NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
        ree_tls_add_ext(cert, a->cert, NID_ext_key_usage, "serverAuth") ||
        ree_tls_add_ext(cert, a->cert, NID_subject_alt_name, san)) {
        ree_tls_error(err, errlen, "add the leaf extensions"); goto fail;
    }
    if (!X509_sign(cert, a->key, EVP_sha256())) { ree_tls_error(err, errlen, "sign the leaf certificate"); goto fail; }
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) { ree_tls_error(err, errlen, "make a TLS context"); goto fail; }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_add1_chain_cert(ctx, a->cert) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, a->leaf_key) != 1) {
        ree_tls_error(err, errlen, "set the leaf certificate");
        SSL_CTX_free(ctx);
        ctx = NULL;
    }
fail:
    X509_free(cert);
    return ctx;
}

void ree_tls_context_free(void *ctx) { SSL_CTX_free(ctx); }

void *ree_tls_accept(void *ctx, int fd, char *err, size_t errlen) {
    SSL *ssl = SSL_new(ctx);
    if (!ssl) { ree_tls_error(err, errlen, "make a TLS session"); return NULL; }
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
        ree_tls_error(err, errlen, "accept TLS");
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

ssize_t ree_tls_read(void *ssl, void *buffer, size_t length) {
    size_t got = 0;
    int rc = SSL_read_ex(ssl, buffer, length, &got);
    if (rc == 1) return (ssize_t)got;
    int e = SSL_get_error(ssl, rc);
    ERR_clear_error();
    return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

int ree_tls_write(void *ssl, const void *buffer, size_t length) {
    const char *p = buffer;
    while (length > 0) {
        size_t done = 0;
        if (SSL_write_ex(ssl, p, length, &done) != 1) { ERR_clear_error(); return -1; }
        p += done;
        length -= done;
    }
    return 0;
}

void ree_tls_close(void *ssl) {
    if (!ssl) return;
    SSL_shutdown(ssl);
    ERR_clear_error();
    SSL_free(ssl);
}

struct ree_sha1 { EVP_MD_CTX *ctx; };

ree_sha1 *ree_sha1_new(void) {
    ree_sha1 *s = malloc(sizeof *s);
    if (!s) return NULL;
    s->ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(s->ctx, EVP_sha1(), NULL);
    return s;
}

void ree_sha1_update(ree_sha1 *s, const void *data, size_t length) { EVP_DigestUpdate(s->ctx, data, length); }

void ree_sha1_base32(ree_sha1 *s, char out[33]) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char md[20];
    unsigned int n = 0;
    EVP_DigestFinal_ex(s->ctx, md, &n);
    /* 160 bits = 32 base32 characters, no padding. */
    int bit = 0;
    for (int i = 0; i < 32; i++, bit += 5) {
        int byte = bit / 8, offset = bit % 8;
        unsigned int v = (unsigned int)md[byte] << 8 | (byte + 1 < 20 ? md[byte + 1] : 0);
        out[i] = alphabet[(v >> (11 - offset)) & 31];
    }
    out[32] = 0;
}

void ree_sha1_free(ree_sha1 *s) {
    if (!s) return;
    EVP_MD_CTX_free(s->ctx);
    free(s);
}
