/* pages/feed: the friends' feed (keyset pagination) and "Friends recommend". */
#include "core/util.h"
#include "pages/pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_PAGE 20

/* Cursor text "AT-KIND-ID" <-> struct. */
int pages_cursor_parse(const char *s, struct fc_feed_cursor *cur)
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

int page_feed(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_feed_cursor cur;
    struct fc_feed_item *items = calloc(FEED_PAGE + 1, sizeof *items);
    const char *after = fc_query(c, "after");
    int n = 0, status = 500;

    if (!items)
        return 500;
    if (*after && pages_cursor_parse(after, &cur)) {
        fc_set(c, "Error.Message", "This feed link is damaged. Start again from the top.");
        status = 400;
        goto out;
    }
    /* one more than a page tells whether there is a next page */
    if (s->ops->feed(s, c->user.id, *after ? &cur : NULL, items, FEED_PAGE + 1, &n))
        goto out;
    for (int i = 0; i < n && i < FEED_PAGE; i++) {
        char p[32], k[64];
        snprintf(p, sizeof p, "Feed.%d", i);
#define SETK(name) snprintf(k, sizeof k, "%s.%s", p, name)
        SETK("Kind");
        fc_set(c, k, items[i].kind == FC_FEED_REVIEW ? "review" : "save");
        SETK("Username");
        fc_set(c, k, items[i].username);
        SETK("Name");
        fc_set(c, k, items[i].display_name[0] ? items[i].display_name : items[i].username);
        SETK("RestaurantId");
        fc_set_int(c, k, items[i].restaurant_id);
        SETK("Restaurant");
        fc_set(c, k, items[i].rest_name);
        SETK("Stars");
        fc_set_int(c, k, items[i].stars);
        SETK("Body");
        fc_set(c, k, items[i].body);
        SETK("Photo");
        fc_set(c, k, items[i].photo);
        SETK("Key");
        fc_setf(c, k, "%" PRId64 "-%d-%" PRId64, items[i].at, items[i].kind, items[i].id);
        SETK("Date");
        pages_set_date(c, k, items[i].at);
#undef SETK
    }
    if (n > FEED_PAGE)
        fc_setf(c, "FeedNext", "%" PRId64 "-%d-%" PRId64, items[FEED_PAGE - 1].at,
                items[FEED_PAGE - 1].kind, items[FEED_PAGE - 1].id);
    fc_set_int(c, "FeedFirstPage", !*after);
    fc_set(c, "Page.Title", "Friends' feed");
    status = fc_render(c, "feed.cs") ? 500 : 0;
out:
    free(items);
    return status;
}

int page_friends_recommend(struct fc_ctx *c)
{
    struct fc_friend_rec *recs = calloc(50, sizeof *recs);
    int n = 0, status = 500;
    if (!recs)
        return 500;
    if (c->app->store->ops->friends_recommend(c->app->store, c->user.id, recs, 50, &n))
        goto out;
    for (int i = 0; i < n; i++) {
        char k[64];
        snprintf(k, sizeof k, "Recs.%d.Id", i);
        fc_set_int(c, k, recs[i].restaurant_id);
        snprintf(k, sizeof k, "Recs.%d.Name", i);
        fc_set(c, k, recs[i].name);
        snprintf(k, sizeof k, "Recs.%d.City", i);
        fc_set(c, k, recs[i].city);
        snprintf(k, sizeof k, "Recs.%d.Friends", i);
        fc_set_int(c, k, recs[i].friends);
        snprintf(k, sizeof k, "Recs.%d.Avg", i);
        fc_setf(c, k, "%.1f", recs[i].avg);
        snprintf(k, sizeof k, "Recs.%d.AvgRounded", i);
        fc_set_int(c, k, (long long)(recs[i].avg + 0.5));
        snprintf(k, sizeof k, "Recs.%d.Who", i);
        fc_set(c, k, recs[i].who);
        snprintf(k, sizeof k, "Recs.%d.Date", i);
        pages_set_date(c, k, recs[i].latest);
    }
    fc_set(c, "Page.Title", "Friends recommend");
    status = fc_render(c, "friends_recommend.cs") ? 500 : 0;
out:
    free(recs);
    return status;
}
