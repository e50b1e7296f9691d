/* Fuzz harness: Server.TrustedProxies parsing and the client address taken from an
 * X-Forwarded-For header. Input: the proxies spec, a NUL, the peer, a NUL, the header. The
 * answer must be the peer or one whole, valid address from the header. */
#include "core/proxy.h"
#include "core/util.h"
#include "fuzz.h"

#include <arpa/inet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    struct fc_proxies p;
    char err[160], buf[64], tmp[16];
    char *spec = fuzz_field(&in, '\0', NULL);
    char *peer = fuzz_field(&in, '\0', NULL);
    char *xff = fuzz_field(&in, '\0', NULL);
    const char *got;
    if (fc_proxy_parse(spec, &p, err, sizeof err) != FC_OK) {
        if (!err[0])
            abort(); /* a refusal always says why */
        fc_proxy_parse("0.0.0.0/0 ::/0", &p, err, sizeof err);
    }
    if (p.n > FC_PROXY_MAX)
        abort();
    got = fc_proxy_client(&p, peer, xff, buf, sizeof buf);
    if (got != buf || strlen(buf) >= sizeof buf)
        abort();
    if (strncmp(buf, peer, sizeof buf - 1) != 0) {
        /* not the peer: an address that is in the header */
        if (!strstr(xff, buf) ||
            (inet_pton(AF_INET, buf, tmp) != 1 && inet_pton(AF_INET6, buf, tmp) != 1))
            abort();
    }
    free(spec);
    free(peer);
    free(xff);
    return 0;
}
