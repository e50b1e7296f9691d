/* pages/feed: the friends' feed (keyset pagination) and "Friends recommend". */
#include "core/util.h"
#include "pages/pages.h"
#include "svc/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int page_feed(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_feed_out out;
    const char *after = fc_query(c, "after");
    int status;

    if (fc_svc_feed(&sv, after, &out, &res))
        return fc_error_result(c, &res);
    for (int i = 0; i < out.n; i++) {
        const struct fc_feed_item *it = &out.items[i];
        char p[32], key[80];
        HDF *n;
        snprintf(p, sizeof p, "Feed.%d", i);
        if (!(n = pages_node(c, p)))
            break;
        pages_node_set(n, "Kind", it->kind == FC_FEED_REVIEW ? "review" : "save");
        pages_node_set(n, "Username", it->username);
        pages_node_set(n, "Name", it->display_name[0] ? it->display_name : it->username);
        pages_node_int(n, "RestaurantId", it->restaurant_id);
        pages_node_set(n, "Restaurant", it->rest_name);
        pages_node_int(n, "Stars", it->stars);
        pages_node_set(n, "Body", it->body);
        pages_node_set(n, "Photo", it->photo);
        pages_node_month(n, "Visited", it->visited);
        fc_svc_feed_cursor_format(key, sizeof key, it);
        pages_node_set(n, "Key", key);
        pages_node_date(n, "Date", it->at);
    }
    { /* the reviews' likes and comment counts, with one read (pages/talk.c) */
        int64_t *ids = calloc(2 * (size_t)(out.n ? out.n : 1), sizeof *ids);
        int *slots = calloc((size_t)(out.n ? out.n : 1), sizeof *slots), k = 0, rc;
        char back[128];
        if (!ids || !slots) {
            free(ids);
            free(slots);
            free(out.items);
            return 500;
        }
        for (int i = 0; i < out.n; i++)
            if (out.items[i].kind == FC_FEED_REVIEW) {
                ids[k] = out.items[i].id;
                ids[out.n + k] = out.items[i].user_id;
                slots[k++] = i;
            }
        snprintf(back, sizeof back, "/feed%s%s", *after ? "?after=" : "", after);
        rc = pages_set_talk(c, "Feed", ids, ids + out.n, slots, k, 0, back, &res);
        free(ids);
        free(slots);
        if (rc) {
            free(out.items);
            return fc_error_result(c, &res);
        }
    }
    if (out.next[0])
        fc_set(c, "FeedNext", out.next);
    fc_set_int(c, "FeedFirstPage", !*after);
    fc_set(c, "Page.Title", "Friends' feed");
    status = fc_render(c, "feed.cs") ? 500 : 0;
    fc_svc_feed_free(&out);
    return status;
}

int page_friends_recommend(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_friend_rec *recs = NULL;
    int n = 0, status;
    if (fc_svc_friends_recommend(&sv, 0, &recs, &n, &res))
        return fc_error_result(c, &res);
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Recs.%d", i);
        pages_node_date(pages_set_friend_rec(c, p, &recs[i]), "Date", recs[i].latest);
    }
    fc_set(c, "Page.Title", "Friends recommend");
    status = fc_render(c, "friends_recommend.cs") ? 500 : 0;
    free(recs);
    return status;
}
