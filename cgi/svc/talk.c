/* svc/talk: likes, comments and notifications (see talk.h). Every decision is a rule of
 * store/rules_talk.h; this file reads what the rule needs and says what its answers mean. */
#include "svc/talk.h"

#include "core/app.h"
#include "core/config.h"
#include "core/util.h"
#include "store/rules_talk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_svc_comment_max_text(const struct fc_svc *sv)
{
    return fc_config_int(sv->app->cfg, "Limits.MaxComment", FC_SVC_COMMENT_MAX_TEXT);
}

const char *fc_svc_note_kind(int kind)
{
    static const char *const names[] = {
        [FC_NOTE_LIKE] = "like",
        [FC_NOTE_COMMENT] = "comment",
        [FC_NOTE_REQUEST] = "request",
        [FC_NOTE_ACCEPT] = "accept",
    };
    return fc_enum_name(names, FC_ARRAY_LEN(names), kind, "other");
}

/* The review id and its author, with whether the actor may see it (*seen) and may act on it. */
static int review_for(const struct fc_svc *sv, int64_t id, struct fc_review *r, int *seen,
                      int *may_act, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_user author;
    int64_t me = fc_svc_actor_id(sv);
    int rel = 0, rc;
    *seen = *may_act = 0;
    rc = id > 0 ? s->ops->review_get(s, id, r) : FC_NOTFOUND;
    if (rc == FC_OK)
        fc_review_clear(r); /* its text is not needed here */
    if (rc == FC_OK) {
        rc = s->ops->user_get(s, r->user_id, &author);
        fc_user_clear(&author); /* who they are is what counts */
    }
    if (rc == FC_OK && me && me != author.id && s->ops->relation(s, me, author.id, &rel))
        rc = FC_ERR;
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "review");
    if (rc != FC_OK)
        return FC_OK;
    *seen = fc_store_may_see(me, author.id, author.visibility, author.disabled, rel);
    *may_act = fc_rules_talk_may_act(me, author.id, author.visibility, author.disabled, rel);
    return FC_OK;
}

static int no_review(struct fc_svc_result *res)
{
    return fc_svc_fail(res, 404, "review_not_found", NULL, "There is no such review.");
}

/* The review id the logged-in actor likes or comments on: 401 when logged out, 404 when it is
 * not there or not theirs to act on. */
static int review_to_act_on(const struct fc_svc *sv, int64_t id, struct fc_review *r,
                            struct fc_svc_result *res)
{
    int seen, may;
    if (!fc_svc_actor_id(sv))
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    if (review_for(sv, id, r, &seen, &may, res))
        return FC_ERR;
    return may ? FC_OK : no_review(res);
}

/* Leaves a notification for whom the rule names (a failure is logged, not the action's). */
static void notify(const struct fc_svc *sv, int64_t to, int kind, const struct fc_review *r,
                   int64_t comment_id)
{
    struct fc_store *s = sv->app->store;
    struct fc_note nt = {0};
    if (!to)
        return;
    nt.user_id = to;
    nt.actor_id = fc_svc_actor_id(sv);
    nt.kind = kind;
    if (r) {
        nt.review_id = r->id;
        nt.restaurant_id = r->restaurant_id;
    }
    nt.comment_id = comment_id;
    nt.created_at = fc_now();
    if (s->ops->note_add(s, &nt))
        fprintf(stderr, "forkcast: [%s] notification %s for user %lld failed\n",
                sv->request_id ? sv->request_id : "-", fc_svc_note_kind(kind), (long long)to);
}

int fc_svc_like(const struct fc_svc *sv, int64_t review_id, int on, struct fc_talk_count *count,
                int64_t *restaurant_id, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review r;
    int64_t me = fc_svc_actor_id(sv);
    int rc;

    fc_svc_ok(res, 200);
    if ((rc = review_to_act_on(sv, review_id, &r, res)))
        return rc;
    if (restaurant_id)
        *restaurant_id = r.restaurant_id;
    rc = on ? s->ops->like_put(s, r.id, r.restaurant_id, me, fc_now())
            : s->ops->like_delete(s, r.id, me);
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, on ? "like" : "unlike");
    if (rc == FC_NOTFOUND && on)
        return no_review(res); /* deleted meanwhile */
    if (rc == FC_OK && on)
        notify(sv, fc_rules_talk_notify(me, r.user_id), FC_NOTE_LIKE, &r, 0);
    if (count && s->ops->talk_counts(s, &r.id, 1, me, count))
        return fc_svc_fail_store(sv, res, "like count");
    return FC_OK;
}

int fc_svc_comment_add(const struct fc_svc *sv, int64_t review_id, const char *body,
                       struct fc_comment *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review r;
    int64_t me = fc_svc_actor_id(sv);
    int max = fc_svc_comment_max_text(sv), rc;
    const char *p = body ? body : "";

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 201);
    if ((rc = review_to_act_on(sv, review_id, &r, res)))
        return rc;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (!*p)
        return fc_svc_fail(res, 422, "invalid_value", "body", "Write your comment first.");
    if (!fc_utf8_valid(body, strlen(body)))
        return fc_svc_fail(res, 422, "invalid_value", "body",
                           "Your comment must be text without control characters.");
    if (fc_utf8_len(body) > (size_t)max || strlen(body) >= sizeof out->body)
        return fc_svc_fail(res, 422, "invalid_value", "body",
                           "Your comment is too long (at most %d characters).", max);
    out->review_id = r.id;
    out->restaurant_id = r.restaurant_id;
    out->user_id = me;
    fc_strlcpy(out->body, body, sizeof out->body);
    out->created_at = fc_now();
    rc = s->ops->comment_add(s, out);
    if (rc == FC_NOTFOUND)
        return no_review(res);
    if (rc)
        return fc_svc_fail_store(sv, res, "comment");
    notify(sv, fc_rules_talk_notify(me, r.user_id), FC_NOTE_COMMENT, &r, out->id);
    return FC_OK;
}

int fc_svc_comment_delete(const struct fc_svc *sv, int64_t id, struct fc_comment *out,
                          struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review r = {0};
    int64_t me = fc_svc_actor_id(sv);
    int seen = 0, may, rel = 0, author_rel = 0, rc;
    struct fc_user who = {0};

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 204);
    if (!me)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    rc = id > 0 ? s->ops->comment_get(s, id, out) : FC_NOTFOUND;
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "comment");
    if (rc == FC_OK && review_for(sv, out->review_id, &r, &seen, &may, res))
        return FC_ERR;
    if (rc == FC_OK && seen) {
        rc = s->ops->user_get(s, out->user_id, &who);
        fc_user_clear(&who);
    }
    if (rc == FC_OK && seen && me != who.id && s->ops->relation(s, me, who.id, &rel))
        return fc_svc_fail_store(sv, res, "comment");
    if (rc == FC_OK && seen && who.id != r.user_id &&
        s->ops->relation(s, who.id, r.user_id, &author_rel))
        return fc_svc_fail_store(sv, res, "comment");
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "comment");
    if (rc != FC_OK ||
        !fc_rules_talk_comment_shown(seen, me, who.id, who.disabled, rel,
                                     (author_rel & (FC_REL_BLOCKED | FC_REL_BLOCKED_BY)) != 0))
        return fc_svc_fail(res, 404, "comment_not_found", NULL, "There is no such comment.");
    if (!fc_rules_talk_may_delete(me, out->user_id, r.user_id))
        return fc_svc_fail(res, 403, "forbidden", NULL,
                           "Only the comment's author or the review's author can delete it.");
    rc = s->ops->comment_delete(s, id);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "comment_not_found", NULL, "There is no such comment.");
    if (rc)
        return fc_svc_fail_store(sv, res, "comment delete");
    return FC_OK;
}

/* Keeps the rows of in[0..n) the actor may see, whose review is among ids (NULL: any). */
static int keep_shown(int64_t me, struct fc_comment_row *rows, int n, const int64_t *ids, int nids)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        int seen = !ids;
        for (int j = 0; !seen && j < nids; j++)
            seen = ids[j] == rows[i].c.review_id;
        if (fc_rules_talk_comment_shown(seen, me, rows[i].c.user_id, rows[i].disabled, rows[i].rel,
                                        rows[i].author_block))
            rows[k++] = rows[i];
    }
    return k;
}

int fc_svc_comments(const struct fc_svc *sv, int64_t review_id, struct fc_comment_row *out, int max,
                    int *n, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review r;
    int seen, may;
    *n = 0;
    fc_svc_ok(res, 200);
    if (review_for(sv, review_id, &r, &seen, &may, res))
        return FC_ERR;
    if (!seen)
        return no_review(res);
    if (s->ops->comments_of(s, r.restaurant_id, r.id, fc_svc_actor_id(sv), out, max, n))
        return fc_svc_fail_store(sv, res, "comments");
    *n = keep_shown(fc_svc_actor_id(sv), out, *n, NULL, 0);
    return FC_OK;
}

int fc_svc_talk_counts(const struct fc_svc *sv, const int64_t *ids, int n,
                       struct fc_talk_count *counts, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    fc_svc_ok(res, 200);
    if (n > 0 && s->ops->talk_counts(s, ids, n, fc_svc_actor_id(sv), counts))
        return fc_svc_fail_store(sv, res, "like and comment counts");
    return FC_OK;
}

#define THREAD_MAX 500 /* comments read for one restaurant page */

int fc_svc_restaurant_comments(const struct fc_svc *sv, int64_t restaurant_id, const int64_t *ids,
                               int n, struct fc_comment_row **out, int *nout,
                               struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    *out = NULL;
    *nout = 0;
    fc_svc_ok(res, 200);
    if (n <= 0)
        return FC_OK;
    /* not calloc: room for THREAD_MAX rows is 1.2 MB, and zeroing it cost more than the rest
       of the page's store reads; both backends' comments_of zero each row they fill */
    if (!(*out = malloc(THREAD_MAX * sizeof **out)))
        return fc_svc_fail_store(sv, res, "comments");
    if (s->ops->comments_of(s, restaurant_id, 0, fc_svc_actor_id(sv), *out, THREAD_MAX, nout)) {
        free(*out);
        *out = NULL;
        return fc_svc_fail_store(sv, res, "comments");
    }
    *nout = keep_shown(fc_svc_actor_id(sv), *out, *nout, ids, n);
    return FC_OK;
}

int fc_svc_notes(const struct fc_svc *sv, int mark_read, struct fc_note_row *out, int max, int *n,
                 struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv), top = 0;
    int k = 0;
    *n = 0;
    fc_svc_ok(res, 200);
    if (!me)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    if (s->ops->notes_list(s, me, out, max, n))
        return fc_svc_fail_store(sv, res, "notifications");
    for (int i = 0; i < *n; i++) {
        if (out[i].n.id > top)
            top = out[i].n.id;
        if (fc_rules_talk_note_shown(me, out[i].n.actor_id, out[i].disabled, out[i].rel))
            out[k++] = out[i];
    }
    *n = k;
    if (mark_read && top && s->ops->notes_mark_read(s, me, top))
        return fc_svc_fail_store(sv, res, "notifications read");
    return FC_OK;
}

int fc_svc_notes_mark_read(const struct fc_svc *sv, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_note_row top;
    int64_t me = fc_svc_actor_id(sv);
    int n = 0;
    fc_svc_ok(res, 204);
    if (!me)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    if (s->ops->notes_list(s, me, &top, 1, &n))
        return fc_svc_fail_store(sv, res, "notifications");
    if (n && s->ops->notes_mark_read(s, me, top.n.id))
        return fc_svc_fail_store(sv, res, "notifications read");
    return FC_OK;
}

int fc_svc_notes_unread(const struct fc_svc *sv)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);
    int n = 0;
    if (!me || s->ops->notes_unread(s, me, &n))
        return 0;
    return n;
}

void fc_svc_note_friend(const struct fc_svc *sv, int64_t other, int kind)
{
    notify(sv, fc_rules_talk_notify(fc_svc_actor_id(sv), other), kind, NULL, 0);
}

int fc_svc_restaurant_talk(const struct fc_svc *sv, int64_t restaurant_id, const int64_t *ids,
                           int n, struct fc_talk_count *counts, struct fc_comment_row **out,
                           int *nout, struct fc_svc_result *res)
{
    int any = 0, rc;
    *out = NULL;
    *nout = 0;
    if ((rc = fc_svc_talk_counts(sv, ids, n, counts, res)))
        return rc;
    for (int i = 0; i < n && !any; i++)
        any = counts[i].comments > 0;
    return any ? fc_svc_restaurant_comments(sv, restaurant_id, ids, n, out, nout, res) : FC_OK;
}
