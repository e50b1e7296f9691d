/* core/mail: plain-text e-mail through SMTP with libcurl (see mail.h). */
#include "core/mail.h"
#include "core/config.h"
#include "core/util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fc_mail_configured(HDF *cfg)
{
    return *fc_config_str(cfg, "Mail.SMTP.URL", "") && *fc_config_str(cfg, "Mail.From", "");
}

struct msg {
    const char *p;
    size_t left;
};

static size_t feed(char *buf, size_t size, size_t n, void *ctx)
{
    struct msg *m = ctx;
    size_t k = size * n < m->left ? size * n : m->left;
    memcpy(buf, m->p, k);
    m->p += k;
    m->left -= k;
    return k;
}

/* An address that could not smuggle a header or a second recipient. */
static int addr_ok(const char *a)
{
    return *a && strlen(a) < 320 && !strpbrk(a, "\r\n<>,;\"") && strchr(a, '@');
}

int fc_mail_send(HDF *cfg, const char *to, const char *subject, const char *body)
{
    const char *url = fc_config_str(cfg, "Mail.SMTP.URL", "");
    const char *from = fc_config_str(cfg, "Mail.From", "");
    const char *user = fc_config_str(cfg, "Mail.SMTP.User", "");
    const char *pass = fc_config_str(cfg, "Mail.SMTP.Password", "");
    char date[64], rnd[16], id[33], angle_to[340], angle_from[340];
    struct curl_slist *rcpt = NULL;
    struct msg m;
    time_t now = time(NULL);
    struct tm tm;
    CURL *h = NULL;
    CURLcode cc;
    char *text = NULL;
    int rc = FC_ERR, len;

    if (!addr_ok(to) || !addr_ok(from) || strpbrk(subject, "\r\n"))
        return FC_EINVAL;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    if (fc_random(rnd, sizeof rnd))
        return FC_ERR;
    fc_hex(id, (const unsigned char *)rnd, sizeof rnd);
    len = asprintf(&text,
                   "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@forkcast>\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: 8bit\r\n\r\n",
                   date, from, to, subject, id);
    if (len < 0) {
        text = NULL;
        goto out;
    }
    {
        /* the body after the headers, its line ends made CRLF (SMTP's) */
        size_t lines = 0, at = (size_t)len;
        char *t;
        for (const char *p = body; *p; p++)
            lines += *p == '\n';
        if (!(t = realloc(text, at + strlen(body) + lines + 1)))
            goto out;
        text = t;
        for (const char *p = body; *p; p++) {
            if (*p == '\n')
                text[at++] = '\r';
            text[at++] = *p;
        }
        text[at] = '\0';
        m.p = text;
        m.left = at;
    }
    snprintf(angle_to, sizeof angle_to, "<%s>", to);
    snprintf(angle_from, sizeof angle_from, "<%s>", from);
    if (!(h = curl_easy_init()) || !(rcpt = curl_slist_append(NULL, angle_to)))
        goto out;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, angle_from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(h, CURLOPT_READDATA, &m);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)fc_config_int(cfg, "Mail.SMTP.TimeoutMs", 10000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)fc_config_int(cfg, "Mail.SMTP.TimeoutMs", 10000));
    if (fc_config_int(cfg, "Mail.SMTP.StartTLS", 0))
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (*user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, pass);
    }
    cc = curl_easy_perform(h);
    if (cc == CURLE_OK)
        rc = FC_OK;
    else /* the server and the reason, never the message: it may carry a reset link */
        fprintf(stderr, "forkcast: mail to the SMTP server %s failed: %s\n", url,
                curl_easy_strerror(cc));
out:
    curl_slist_free_all(rcpt);
    if (h)
        curl_easy_cleanup(h);
    free(text);
    return rc;
}
