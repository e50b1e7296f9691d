/* bench_handle: drives GET requests through the application in-process (fc_app_handle, as
 * main.c does for each FastCGI request, without lighttpd or the socket), for profilers:
 * `valgrind --tool=callgrind build/bench_handle N PATH COOKIE` (tools/bench-profile.py).
 * The configuration comes from FORKCAST_CONFIG and FORKCAST_* like the FastCGI program's.
 * Prints the status, the response's bytes and the wall time per request. BENCH_HANDLE_DUMP=FILE
 * writes the last response (head and body) to FILE, to compare two builds' pages. */
#include "core/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bench_out {
    size_t bytes;
    int status;
    FILE *dump; /* the response goes here too (the last request) */
};

static long bench_read(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
}

static long bench_write(void *ctx, const char *buf, size_t len)
{
    struct bench_out *o = ctx;
    if (!o->status && len > 8 && strncmp(buf, "Status: ", 8) == 0)
        o->status = atoi(buf + 8);
    o->bytes += len;
    if (o->dump)
        fwrite(buf, 1, len, o->dump);
    return (long)len;
}

int main(int argc, char **argv)
{
    struct fc_app app;
    char *env[8], method[] = "REQUEST_METHOD=GET", addr[] = "REMOTE_ADDR=127.0.0.1",
                  proto[] = "SERVER_PROTOCOL=HTTP/1.1", uri[1024], query[1024], cookie[1024];
    struct timespec t0, t1;
    struct bench_out out = {0, 0, NULL};
    const char *dump = getenv("BENCH_HANDLE_DUMP");
    const char *q;
    long n, i;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_handle N PATH [COOKIE]\n");
        return 2;
    }
    n = atol(argv[1]);
    q = strchr(argv[2], '?');
    snprintf(uri, sizeof uri, "REQUEST_URI=%s", argv[2]);
    snprintf(query, sizeof query, "QUERY_STRING=%s", q ? q + 1 : "");
    snprintf(cookie, sizeof cookie, "HTTP_COOKIE=%s", argc > 3 ? argv[3] : "");
    env[0] = method;
    env[1] = uri;
    env[2] = query;
    env[3] = cookie;
    env[4] = addr;
    env[5] = proto;
    env[6] = NULL;
    if (fc_app_init(&app, NULL)) {
        fprintf(stderr, "bench_handle: start-up failed\n");
        fc_app_free(&app);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < n; i++) {
        out.status = 0;
        if (dump && *dump && i == n - 1 && !(out.dump = fopen(dump, "w")))
            perror(dump);
        fc_app_handle(&app, env, bench_read, NULL, bench_write, &out);
    }
    if (out.dump)
        fclose(out.dump);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("status %d, %zu bytes per response, %.3f ms per request (%ld requests)\n", out.status,
           n ? out.bytes / (size_t)n : 0,
           n ? ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) /
                   (double)n
             : 0.0,
           n);
    fc_app_free(&app);
    return out.status == 200 ? 0 : 1;
}
