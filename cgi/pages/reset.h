/* pages/reset: password reset links on the web (svc/reset.c): the administrator's "make a
 * link" answer, /forgot by e-mail for local accounts, and /reset where a link is used. */
#ifndef FC_PAGES_RESET_H
#define FC_PAGES_RESET_H

#include "core/app.h"

/* POST /admin/users/:username/reset-link: the link, shown once. */
int pages_admin_reset_link(struct fc_ctx *c);
/* 1 when /forgot mails links (local accounts with Mail.SMTP.* set); then these answer it. */
int pages_forgot_by_mail(struct fc_ctx *c);
int pages_forgot_mail_form(struct fc_ctx *c);
int pages_forgot_mail(struct fc_ctx *c);
/* GET and POST /reset?token=... */
int page_reset_form(struct fc_ctx *c);
int page_reset(struct fc_ctx *c);

#endif
