/* svc/feed: the friends' feed (keyset pages and their cursors) and "Friends recommend"
 * (svc/content.h). */
#include "core/app.h"
#include "core/util.h"
#include "svc/content.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRIENDS_RECOMMEND_MAX 50

int fc_svc_feed_cursor_parse(const char *s, struct fc_feed_cursor *cur)
{
    long long at, id;
    int kind, used = 0;
    if (sscanf(s, "%lld-%d-%lld%n", &at, &kind, &id, &used) != 3 || s[used] || at < 0 || id < 0 ||
        kind < 1 || kind > 2)
        return FC_EINVAL;
    cur->at = at;
    cur->kind = kind;
    cur->id = id;
    return FC_OK;
}

void fc_svc_feed_cursor_format(char *out, size_t size, const struct fc_feed_item *it)
{
    snprintf(out, size, "%" PRId64 "-%d-%" PRId64, it->at, it->kind, it->id);
}

int fc_svc_feed(const struct fc_svc *sv, const char *after, struct fc_svc_feed_out *out,
                struct fc_svc_result *res)
{
    struct fc_feed_cursor cur;
    int n = 0;

    fc_svc_ok(res, 200);
    memset(out, 0, sizeof *out);
    if (after && *after && fc_svc_feed_cursor_parse(after, &cur))
        return fc_svc_fail(res, 400, "invalid_parameter", "after",
                           "This feed link is damaged. Start again from the top.");
    /* one more than a page tells whether there is a next page */
    if (!(out->items = malloc((FC_SVC_FEED_PAGE + 1) * sizeof *out->items)))
        return fc_svc_fail_store(sv, res, "feed (no memory)");
    if (sv->app->store->ops->feed(sv->app->store, fc_svc_actor_id(sv),
                                  after && *after ? &cur : NULL, out->items, FC_SVC_FEED_PAGE + 1,
                                  &n)) {
        free(out->items);
        out->items = NULL;
        return fc_svc_fail_store(sv, res, "feed");
    }
    out->n = n > FC_SVC_FEED_PAGE ? FC_SVC_FEED_PAGE : n;
    if (n > FC_SVC_FEED_PAGE) {
        fc_svc_feed_cursor_format(out->next, sizeof out->next, &out->items[FC_SVC_FEED_PAGE - 1]);
        fc_feed_items_clear(out->items + out->n, n - out->n); /* the look-ahead */
    }
    return FC_OK;
}

void fc_svc_feed_free(struct fc_svc_feed_out *out)
{
    fc_feed_items_clear(out->items, out->n);
    free(out->items);
    out->items = NULL;
    out->n = 0;
}

int fc_svc_friends_recommend(const struct fc_svc *sv, int window, struct fc_friend_rec **out,
                             int *n, struct fc_svc_result *res)
{
    fc_svc_ok(res, 200);
    *n = 0;
    if (!(*out = calloc(FRIENDS_RECOMMEND_MAX, sizeof **out)))
        return fc_svc_fail_store(sv, res, "friends recommend (no memory)");
    if (sv->app->store->ops->friends_recommend(sv->app->store, fc_svc_actor_id(sv), window, *out,
                                               FRIENDS_RECOMMEND_MAX, n)) {
        free(*out);
        *out = NULL;
        return fc_svc_fail_store(sv, res, "friends recommend");
    }
    return FC_OK;
}
