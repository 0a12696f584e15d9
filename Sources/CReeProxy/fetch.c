#include "ree_proxy.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

struct ree_fetch { CURL *curl; };

struct ree_fetch_call {
    void *context;
    ree_fetch_data_cb on_header, on_body;
};

static pthread_once_t ree_fetch_once = PTHREAD_ONCE_INIT;
static void ree_fetch_global(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

ree_fetch *ree_fetch_new(void) {
    pthread_once(&ree_fetch_once, ree_fetch_global);
    ree_fetch *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->curl = curl_easy_init();
    if (!f->curl) { free(f); return NULL; }
    return f;
}

void ree_fetch_free(ree_fetch *f) {
    if (!f) return;
    curl_easy_cleanup(f->curl);
    free(f);
}

static size_t ree_fetch_header(char *data, size_t size, size_t n, void *userdata) {
    struct ree_fetch_call *call = userdata;
    return call->on_header(call->context, data, size * n);
}

static size_t ree_fetch_body(char *data, size_t size, size_t n, void *userdata) {
    struct ree_fetch_call *call = userdata;
    return call->on_body(call->context, data, size * n);
}

int ree_fetch_perform(ree_fetch *f, const char *method, const char *url, const char *const *headers, size_t header_count,
                      const void *body, size_t body_length, const char *ca_file, void *context,
                      ree_fetch_data_cb on_header, ree_fetch_data_cb on_body, char *err, size_t errlen) {
    CURL *c = f->curl;
    struct ree_fetch_call call = {context, on_header, on_body};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl_slist_append(list, headers[i]);
    /* No 100-continue round trip, and no headers the client did not send. */
    list = curl_slist_append(list, "Expect:");
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 300L);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024L);
    if (ca_file && *ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, ree_fetch_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ree_fetch_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &call);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || body_length > 0) {
        if (body_length > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body_length > 0 ? body : "");
        }
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    return (int)rc;
}

long ree_fetch_status(ree_fetch *f) {
    long code = 0;
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
