/* core/mail: one plain-text e-mail through the SMTP server of Mail.SMTP.* (libcurl: smtp://
 * or smtps://, STARTTLS when asked, optional log-in), from Mail.From. */
#ifndef FC_MAIL_H
#define FC_MAIL_H

#include <ClearSilver.h>

/* 1 when Mail.SMTP.URL and Mail.From are set. */
int fc_mail_configured(HDF *cfg);
/* Sends subject and body (UTF-8 text; lines end with \n) to the address to. FC_OK, or
 * FC_EINVAL (an address with a line break or angle bracket) or FC_ERR (logged, without the
 * body: it may hold a secret link). */
int fc_mail_send(HDF *cfg, const char *to, const char *subject, const char *body);

#endif
