/* bench_ceiling: the web benchmark's ceiling (tools/bench-web.py): a FastCGI responder that does
 * nothing but answer 200 with a body of the size the query asks for ("?bytes=N", the byte size
 * of the page it stands beside; 8,582 without it), spawned by lighttpd from the same generated
 * configuration as forkcast.fcgi. A page's req/s divided by this one's is the share of what
 * lighttpd + FastCGI allow that the page reaches. Built by `make bench` (build/bench_ceiling). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#define BENCH_CEILING_MAX (4 << 20)

static char body[BENCH_CEILING_MAX];

static void on_term(int sig)
{
    (void)sig;
    FCGX_ShutdownPending();
}

/* The "bytes" parameter of a query string, clamped to the body buffer; def when absent. */
static long query_bytes(const char *qs, long def)
{
    const char *p = qs;
    long n;
    while (p && *p) {
        if (strncmp(p, "bytes=", 6) == 0) {
            n = strtol(p + 6, NULL, 10);
            return n < 0 ? 0 : n > BENCH_CEILING_MAX ? BENCH_CEILING_MAX : n;
        }
        p = strchr(p, '&');
        p = p ? p + 1 : NULL;
    }
    return def;
}

int main(void)
{
    static const char head[] = "Status: 200 OK\r\n"
                               "Content-Type: text/html; charset=utf-8\r\n"
                               "Cache-Control: no-store\r\n"
                               "\r\n";
    FCGX_Request req;
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    while (FCGX_Accept_r(&req) >= 0) {
        long n = query_bytes(FCGX_GetParam("QUERY_STRING", req.envp), 8582);
        FCGX_PutStr(head, (int)sizeof head - 1, req.out);
        FCGX_PutStr(body, (int)n, req.out);
        FCGX_Finish_r(&req);
    }
    FCGX_Free(&req, 1);
    return 0;
}
