/* proxy: the client's address behind trusted reverse proxies (a load balancer in front of
 * lighttpd): Server.TrustedProxies names them, and only their X-Forwarded-For is believed. */
#ifndef FC_PROXY_H
#define FC_PROXY_H

#include <stddef.h>

#define FC_PROXY_MAX 32

struct fc_proxy_net {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16]; /* network address, host bits cleared */
    int bits;               /* prefix length */
};

struct fc_proxies {
    size_t n;
    struct fc_proxy_net net[FC_PROXY_MAX];
};

/* Parses a list of addresses and networks ("10.0.0.0/8, 192.0.2.7 2001:db8::/32"; commas or
 * spaces between them; empty: none) into out. FC_OK, or FC_EINVAL with err naming the entry
 * that is not an address, has a bad prefix length, or is one too many. */
int fc_proxy_parse(const char *spec, struct fc_proxies *out, char *err, size_t errlen);

/* 1 when addr (text) is an address inside one of p's networks. */
int fc_proxy_trusted(const struct fc_proxies *p, const char *addr);

/* The client's address: peer itself unless peer is a trusted proxy; then X-Forwarded-For (xff,
 * may be NULL) read from the right, the first address that is not a trusted proxy (a client
 * can only prepend to what the proxies append). When the header is missing or an entry is not
 * an address, the last trusted hop is the answer. The result is copied into buf. */
const char *fc_proxy_client(const struct fc_proxies *p, const char *peer, const char *xff,
                            char *buf, size_t n);

#endif
