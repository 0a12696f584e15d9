#include "ree_proxy.h"
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ree_download_sink {
    int fd;
    long long limit;
    long long written;
    int too_large;
    int write_errno;
};

static pthread_once_t ree_download_once = PTHREAD_ONCE_INIT;
static CURLcode ree_download_global_rc = CURLE_FAILED_INIT;
static void ree_download_global(void) { ree_download_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static size_t ree_download_write(char *data, size_t size, size_t n, void *userdata) {
    struct ree_download_sink *sink = userdata;
    size_t length = size * n;
    if (sink->written + (long long)length > sink->limit) {
        sink->too_large = 1;
        return 0;
    }
    size_t done = 0;
    while (done < length) {
        ssize_t w = write(sink->fd, data + done, length - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            sink->write_errno = errno;
            return 0;
        }
        done += (size_t)w;
    }
    sink->written += (long long)length;
    return length;
}

/* Each step is checked: an option libcurl refuses would silently change what is fetched. */
#define REE_SET(option, value)                                                      \
    do {                                                                            \
        CURLcode set_rc = curl_easy_setopt(c, option, value);                       \
        if (set_rc != CURLE_OK) {                                                   \
            snprintf(err, errlen, "failed to set curl option %s: %s", #option,      \
                     curl_easy_strerror(set_rc));                                   \
            curl_easy_cleanup(c);                                                   \
            return (int)set_rc;                                                     \
        }                                                                           \
    } while (0)

int ree_download(const char *url, const char *proxy, const char *ca_file, int fd, long long limit,
                 ree_download_result *result, char *err, size_t errlen) {
    memset(result, 0, sizeof *result);
    result->last_modified = -1;
    int once = pthread_once(&ree_download_once, ree_download_global);
    if (once != 0 || ree_download_global_rc != CURLE_OK) {
        snprintf(err, errlen, "failed to initialise libcurl: %s",
                 once != 0 ? strerror(once) : curl_easy_strerror(ree_download_global_rc));
        return (int)CURLE_FAILED_INIT;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "failed to start libcurl");
        return (int)CURLE_FAILED_INIT;
    }
    struct ree_download_sink sink = {fd, limit, 0, 0, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    REE_SET(CURLOPT_URL, url);
    REE_SET(CURLOPT_ERRORBUFFER, errbuf);
    REE_SET(CURLOPT_NOSIGNAL, 1L);
    REE_SET(CURLOPT_FOLLOWLOCATION, 1L);
    REE_SET(CURLOPT_MAXREDIRS, 10L);
    /* Never file://, ftp:// or the like, even through a redirect. */
    REE_SET(CURLOPT_PROTOCOLS_STR, "http,https");
    REE_SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    REE_SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    REE_SET(CURLOPT_USERAGENT, "ree");
    REE_SET(CURLOPT_FILETIME, 1L);
    REE_SET(CURLOPT_CONNECTTIMEOUT, 60L);
    REE_SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    REE_SET(CURLOPT_LOW_SPEED_TIME, 300L);
    REE_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)limit);
    REE_SET(CURLOPT_WRITEFUNCTION, ree_download_write);
    REE_SET(CURLOPT_WRITEDATA, &sink);
    if (proxy) {
        REE_SET(CURLOPT_PROXY, proxy);
        REE_SET(CURLOPT_NOPROXY, "");
        /* http:// as absolute-URI requests (as the recorder stores them); https:// is a CONNECT
         * tunnel either way, which the recorder answers with its own TLS. */
        REE_SET(CURLOPT_HTTPPROXYTUNNEL, 0L);
    }
    if (ca_file && *ca_file) REE_SET(CURLOPT_CAINFO, ca_file);

    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_off_t filetime = -1;
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) result->status = status;
    if (curl_easy_getinfo(c, CURLINFO_FILETIME_T, &filetime) == CURLE_OK) result->last_modified = (long long)filetime;
    result->size = sink.written;
    result->too_large = sink.too_large || rc == CURLE_FILESIZE_EXCEEDED;
    if (rc != CURLE_OK) {
        if (sink.write_errno) {
            snprintf(err, errlen, "failed to write the download: %s", strerror(sink.write_errno));
        } else if (result->too_large) {
            snprintf(err, errlen, "the body is larger than the limit of %lld bytes", limit);
        } else {
            snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        }
    }
    curl_easy_cleanup(c);
    return (int)rc;
}
