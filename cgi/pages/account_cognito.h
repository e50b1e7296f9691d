/* pages/account_cognito: account pages that need e-mailed codes or a logged-in user (confirm
 * sign-up, forgot password, change password); their routes are fc_account_group. */
#ifndef FC_PAGES_ACCOUNT_COGNITO_H
#define FC_PAGES_ACCOUNT_COGNITO_H

#include "core/app.h"

/* 303 to the confirm page for username, with a flash message (sign-up and log-in of an
 * account that is not confirmed yet). Returns 0. */
int pages_to_confirm(struct fc_ctx *c, const char *username, const char *flash);

#endif
