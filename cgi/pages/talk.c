/* pages/talk: likes and comments on reviews (forms that post and come back where they were,
 * with a flash), the likes and comments of the restaurant page and the feed, and the
 * notifications page. Everything goes through svc/talk.c, as the API does. */
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"
#include "store/rules_talk.h"
#include "svc/content.h"
#include "svc/talk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 303 with flash to where a form came from (its "next" field, a local path), or to the review
 * on its restaurant's page. */
static int go_back(struct fc_ctx *c, int64_t restaurant_id, int64_t review_id, const char *flash)
{
    const char *next = fc_form(c, "next");
    char buf[96];
    if (*next)
        return fc_redirect(c, pages_safe_next(next), flash);
    snprintf(buf, sizeof buf, "/restaurants/%lld#review-%lld", (long long)restaurant_id,
             (long long)review_id);
    return fc_redirect(c, buf, flash);
}

/* POST /reviews/:id/like and /reviews/:id/unlike */
static int like(struct fc_ctx *c, int on)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    int64_t id, rid = 0;
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (fc_svc_like(&sv, id, on, NULL, &rid, &res))
        return fc_error_result(c, &res);
    return go_back(c, rid, id, on ? "You like this review." : "Like taken back.");
}

static int page_like(struct fc_ctx *c)
{
    return like(c, 1);
}

static int page_unlike(struct fc_ctx *c)
{
    return like(c, 0);
}

/* POST /reviews/:id/comments. A refused comment (empty, too long) comes back on a page of its
 * own with the field's error and what was typed (422). */
static int page_comment_add(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_comment cm;
    int64_t id;
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (fc_svc_comment_add(&sv, id, fc_form(c, "body"), &cm, &res)) {
        struct fc_review_row rv;
        struct fc_svc_result r2;
        if (res.status != 422 || !res.field)
            return fc_error_result(c, &res);
        if (fc_svc_review_get(&sv, id, &rv, &r2))
            return fc_error_result(c, &r2);
        pages_set_review(c, "Review", &rv);
        fc_review_clear(&rv.r);
        fc_set(c, "Comment.Body", fc_form(c, "body"));
        fc_set(c, "Comment.Next", pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : "/"));
        fc_set(c, "Form.Errors.body", res.message);
        fc_set_int(c, "Limits.MaxComment", fc_svc_comment_max_text(&sv));
        fc_set(c, "Page.Title", "Your comment");
        c->resp.status = res.status;
        return fc_render(c, "comment.cs") ? 500 : 0;
    }
    return go_back(c, cm.restaurant_id, id, "Your comment is posted.");
}

/* POST /comments/:id/delete */
static int page_comment_delete(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_comment cm;
    int64_t id;
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (fc_svc_comment_delete(&sv, id, &cm, &res))
        return fc_error_result(c, &res);
    return go_back(c, cm.restaurant_id, cm.review_id, "The comment is deleted.");
}

/* GET /notifications: newest first; viewing them marks them read. */
static int page_notes(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_note_row *rows = calloc(FC_SVC_NOTES_PAGE, sizeof *rows);
    int n = 0, status = 500;
    if (!rows)
        return 500;
    if (fc_svc_notes(&sv, 1, rows, FC_SVC_NOTES_PAGE, &n, &res)) {
        free(rows);
        return fc_error_result(c, &res);
    }
    for (int i = 0; i < n; i++) {
        const struct fc_note_row *r = &rows[i];
        char p[32], k[64];
        snprintf(p, sizeof p, "Notes.%d", i);
#define SETK(name) snprintf(k, sizeof k, "%s.%s", p, name)
        SETK("Kind");
        fc_set(c, k, fc_svc_note_kind(r->n.kind));
        SETK("Username");
        fc_set(c, k, r->username);
        SETK("Name");
        fc_set(c, k, r->display_name[0] ? r->display_name : r->username);
        SETK("RestaurantId");
        fc_set_int(c, k, r->n.restaurant_id);
        SETK("Restaurant");
        fc_set(c, k, r->rest_name);
        SETK("ReviewId");
        fc_set_int(c, k, r->n.review_id);
        SETK("Unread");
        fc_set_int(c, k, r->unread);
        SETK("Date");
        pages_set_date(c, k, r->n.created_at);
#undef SETK
    }
    /* the header counts what is unread now: nothing any more */
    fc_set(c, "Page.Title", "Notifications");
    status = fc_render(c, "notifications.cs") ? 500 : 0;
    free(rows);
    return status;
}

/* POST /notifications/read: "mark all read" */
static int page_notes_read(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    if (fc_svc_notes_mark_read(&sv, &res))
        return fc_error_result(c, &res);
    return fc_redirect(c, pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : "/"),
                       "All notifications are marked read.");
}

int pages_set_talk(struct fc_ctx *c, const char *prefix, const int64_t *ids, const int64_t *authors,
                   const int *slots, int n, int64_t restaurant_id, const char *back,
                   struct fc_svc_result *res)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_talk_count *counts;
    struct fc_comment_row *rows = NULL;
    int nrows = 0, *shown, rc = FC_ERR;
    int64_t me = c->logged_in ? c->user.id : 0;

    fc_svc_ok(res, 200);
    if (n <= 0)
        return FC_OK;
    counts = calloc((size_t)n, sizeof *counts);
    shown = calloc((size_t)n, sizeof *shown);
    if (!counts || !shown) {
        fc_svc_fail_store(&sv, res, "like and comment counts (no memory)");
        goto out;
    }
    if (restaurant_id
            ? fc_svc_restaurant_talk(&sv, restaurant_id, ids, n, counts, &rows, &nrows, res)
            : fc_svc_talk_counts(&sv, ids, n, counts, res))
        goto out;
    /* each field through its record's HDF node (docs/bench.md "Records set through their
       HDF node"): one walk from the root per review and per comment, not one per field */
    for (int i = 0; i < n; i++) {
        char p[64], back_i[4096];
        HDF *nd;
        snprintf(p, sizeof p, "%s.%d", prefix, slots ? slots[i] : i);
        nd = pages_node(c, p);
        pages_node_int(nd, "Talk", 1);
        pages_node_int(nd, "TalkId", ids[i]);
        pages_node_int(nd, "Likes", counts[i].likes);
        pages_node_int(nd, "CommentCount", counts[i].comments);
        pages_node_int(nd, "Liked", counts[i].liked);
        pages_node_int(nd, "Inline", restaurant_id != 0);
        snprintf(back_i, sizeof back_i, "%s#review-%lld", back, (long long)ids[i]);
        pages_node_set(nd, "Back", back_i);
    }
    for (int j = 0; j < nrows; j++) {
        const struct fc_comment_row *r = &rows[j];
        for (int i = 0; i < n; i++) {
            char p[96];
            HDF *nd;
            if (ids[i] != r->c.review_id)
                continue;
            snprintf(p, sizeof p, "%s.%d.Thread.%d", prefix, slots ? slots[i] : i, shown[i]++);
            nd = pages_node(c, p);
            pages_node_int(nd, "Id", r->c.id);
            pages_node_set(nd, "Username", r->username);
            pages_node_set(nd, "Name", r->display_name[0] ? r->display_name : r->username);
            pages_node_set(nd, "Body", r->c.body);
            pages_node_date(nd, "Date", r->c.created_at);
            pages_node_int(nd, "CanDelete", fc_rules_talk_may_delete(me, r->c.user_id, authors[i]));
            break;
        }
    }
    fc_set_int(c, "Limits.MaxComment", fc_svc_comment_max_text(&sv));
    rc = FC_OK;
out:
    free(rows);
    free(counts);
    free(shown);
    return rc;
}

static const struct fc_route routes[] = {
    {"POST", "/reviews/:id/like", page_like, FC_ROUTE_LOGIN},
    {"POST", "/reviews/:id/unlike", page_unlike, FC_ROUTE_LOGIN},
    {"POST", "/reviews/:id/comments", page_comment_add, FC_ROUTE_LOGIN},
    {"POST", "/comments/:id/delete", page_comment_delete, FC_ROUTE_LOGIN},
    {"GET", "/notifications", page_notes, FC_ROUTE_LOGIN},
    {"POST", "/notifications/read", page_notes_read, FC_ROUTE_LOGIN},
};

const struct fc_route_group fc_talk_group = {routes, FC_ARRAY_LEN(routes)};
