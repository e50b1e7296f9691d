/* main: the FastCGI process lighttpd spawns; one accept loop, one request at a time. */
#include "core/app.h"
#include "core/util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <fcgiapp.h>

static long fcgi_read(void *ctx, char *buf, size_t len)
{
    return FCGX_GetStr(buf, (int)(len > 1 << 30 ? 1 << 30 : len), ((FCGX_Request *)ctx)->in);
}

static long fcgi_write(void *ctx, const char *buf, size_t len)
{
    return FCGX_PutStr(buf, (int)len, ((FCGX_Request *)ctx)->out);
}

static void on_term(int sig)
{
    (void)sig;
    FCGX_ShutdownPending();
}

int main(int argc, char **argv)
{
    struct fc_app app;
    FCGX_Request req;
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (fc_app_init(&app, argc > 1 ? argv[1] : NULL)) {
        fprintf(stderr, "forkcast: start-up failed\n");
        fc_app_free(&app);
        return 1;
    }
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) {
        fprintf(stderr, "forkcast: FastCGI initialisation failed\n");
        fc_app_free(&app);
        return 1;
    }
    while (FCGX_Accept_r(&req) >= 0) {
        struct fc_ctx *c = fc_app_answer(&app, req.envp, fcgi_read, &req, fcgi_write, &req);
        /* lighttpd gets the rest of the response and its end and finishes it to the client,
         * who then does not wait for the work after the answer (metrics, logs of views...) */
        FCGX_Finish_r(&req);
        fc_app_after(c);
    }
    FCGX_Free(&req, 1);
    fc_app_free(&app);
    return 0;
}
