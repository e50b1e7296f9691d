/* proxy: the client's address behind trusted reverse proxies (Server.TrustedProxies): only
 * their X-Forwarded-For is believed, read from the right, so that a client cannot choose the
 * address its log-in failures are counted under. */
#include "core/proxy.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Parses one address (no prefix) into family and addr; FC_OK or FC_EINVAL. */
static int parse_addr(const char *s, size_t len, int *family, unsigned char addr[16])
{
    char buf[INET6_ADDRSTRLEN + 1];
    if (len == 0 || len >= sizeof buf)
        return FC_EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, addr) == 1) {
        *family = AF_INET;
        return FC_OK;
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
        *family = AF_INET6;
        return FC_OK;
    }
    return FC_EINVAL;
}

static void clear_host_bits(unsigned char addr[16], int bits, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        int keep = bits - i * 8;
        addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
    }
}

static int in_net(const struct fc_proxy_net *net, int family, const unsigned char addr[16])
{
    unsigned char a[16];
    if (family != net->family)
        return 0;
    memcpy(a, addr, 16);
    clear_host_bits(a, net->bits, family == AF_INET ? 4 : 16);
    return memcmp(a, net->addr, family == AF_INET ? 4 : 16) == 0;
}

int fc_proxy_parse(const char *spec, struct fc_proxies *out, char *err, size_t errlen)
{
    const char *p = spec ? spec : "";
    memset(out, 0, sizeof *out);
    while (*p) {
        size_t len = strcspn(p, ", \t");
        const char *slash;
        struct fc_proxy_net net = {0};
        size_t alen;
        int max;
        if (len == 0) {
            p++;
            continue;
        }
        slash = memchr(p, '/', len);
        alen = slash ? (size_t)(slash - p) : len;
        if (parse_addr(p, alen, &net.family, net.addr)) {
            snprintf(err, errlen, "\"%.*s\" is not an IPv4 or IPv6 address", (int)alen, p);
            return FC_EINVAL;
        }
        max = net.family == AF_INET ? 32 : 128;
        net.bits = max;
        if (slash) {
            const char *d = slash + 1, *end = p + len;
            int bits = 0;
            if (d == end || end - d > 3)
                goto bad_prefix;
            for (; d < end; d++) {
                if (*d < '0' || *d > '9')
                    goto bad_prefix;
                bits = bits * 10 + (*d - '0');
            }
            if (bits > max)
                goto bad_prefix;
            net.bits = bits;
        }
        if (out->n == FC_PROXY_MAX) {
            snprintf(err, errlen, "more than %d entries", FC_PROXY_MAX);
            return FC_EINVAL;
        }
        clear_host_bits(net.addr, net.bits, max / 8);
        out->net[out->n++] = net;
        p += len;
        continue;
    bad_prefix:
        snprintf(err, errlen, "\"%.*s\" has a bad prefix length (0-%d)", (int)len, p, max);
        return FC_EINVAL;
    }
    return FC_OK;
}

static int trusted(const struct fc_proxies *p, const char *s, size_t len)
{
    int family;
    unsigned char addr[16] = {0};
    if (parse_addr(s, len, &family, addr))
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (in_net(&p->net[i], family, addr))
            return 1;
    return 0;
}

int fc_proxy_trusted(const struct fc_proxies *p, const char *addr)
{
    return addr && trusted(p, addr, strlen(addr));
}

const char *fc_proxy_client(const struct fc_proxies *p, const char *peer, const char *xff,
                            char *buf, size_t n)
{
    const char *hop = peer ? peer : "";
    size_t hop_len = strlen(hop);
    const char *end = xff ? xff + strlen(xff) : NULL;

    /* walk the header from its right end while each hop is a trusted proxy */
    while (end && trusted(p, hop, hop_len)) {
        const char *start = end, *s, *e;
        int family;
        unsigned char addr[16];
        while (start > xff && start[-1] != ',')
            start--;
        for (s = start; s < end && (*s == ' ' || *s == '\t'); s++)
            ;
        for (e = end; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
            ;
        if (parse_addr(s, (size_t)(e - s), &family, addr))
            break; /* not an address: the last trusted hop stands */
        hop = s;
        hop_len = (size_t)(e - s);
        if (start == xff)
            break;
        end = start - 1;
    }
    if (n) {
        size_t k = hop_len < n - 1 ? hop_len : n - 1;
        memcpy(buf, hop, k);
        buf[k] = '\0';
    }
    return buf;
}
