/* pages/confirm: the confirmation pages of the member's destructive actions (unfriend, block,
 * delete a review): a GET that says what will happen and a form that POSTs the action (with
 * its CSRF token) to the handler that does it, Cancel going back; no script needed. The API
 * has no such step: a client confirms by calling (docs/api.md). */
#include "core/util.h"
#include "pages/pages.h"
#include "svc/content.h"
#include "svc/profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page: question, explanation, the POST's action and one hidden field, Cancel to next. */
static int render_confirm(struct fc_ctx *c, const char *title, const char *button,
                          const char *action, const char *field, const char *value,
                          const char *next)
{
    fc_set(c, "Page.Title", title);
    fc_set(c, "Confirm.Button", button);
    fc_set(c, "Confirm.Action", action);
    if (field) {
        fc_set(c, "Confirm.Field", field);
        fc_set(c, "Confirm.Value", value);
    }
    fc_set(c, "Confirm.Next", next);
    return fc_render(c, "confirm_action.cs") ? 500 : 0;
}

/* GET /friends/:action?username=&next=: "Unfriend Ana?", "Block Ana?". */
int page_friend_confirm(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile *p;
    const char *act = c->args[0], *name;
    const char *next = pages_safe_next(*fc_query(c, "next") ? fc_query(c, "next") : "/friends");
    int block = strcmp(act, "block") == 0, rc;

    if (!block && strcmp(act, "remove") != 0)
        return 404;
    if (!(p = malloc(sizeof *p)))
        return 500;
    if (fc_svc_profile_get(&sv, fc_query(c, "username"), p, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    name = p->user.display_name[0] ? p->user.display_name : p->user.username;
    if (block) {
        fc_setf(c, "Confirm.Question", "Block %s?", name);
        fc_setf(c, "Confirm.Explain",
                "%s%s can no longer see your profile or reviews, "
                "send you friend requests or find you. You can unblock them later, but "
                "unblocking does not make you friends again.",
                (p->rel & FC_REL_FRIEND) ? "This also ends your friendship. " : "", name);
    } else {
        fc_setf(c, "Confirm.Question", "Unfriend %s?", name);
        fc_setf(c, "Confirm.Explain",
                "You will no longer see each other's friends-only "
                "reviews, and %s's reviews leave your feed. To be friends again, one of you "
                "sends a new friend request.",
                name);
    }
    rc = render_confirm(c, block ? "Block" : "Unfriend", block ? "Block" : "Unfriend",
                        block ? "/friends/block" : "/friends/remove", "username", p->user.username,
                        next);
out:
    fc_user_clear(&p->user);
    free(p);
    return rc;
}

/* GET /reviews/:id/delete: "Delete your review of Kiku Cuernavaca?". */
int page_review_delete_confirm(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review_row *r;
    char action[64], back[64];
    int64_t id;
    int rc;

    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (!(r = calloc(1, sizeof *r)))
        return 500;
    if (fc_svc_review_get(&sv, id, r, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    if (r->r.user_id != fc_svc_actor_id(&sv)) {
        rc = 403; /* as the POST answers someone else's review */
        goto out;
    }
    fc_setf(c, "Confirm.Question", "Delete your review of %s?", r->rest_name);
    fc_setf(c, "Confirm.Explain",
            "Your %d-star review%s goes for good, from the restaurant's page, your profile and "
            "your friends' feeds. This cannot be undone.",
            r->r.stars, r->r.photo[0] ? " and its photo" : "");
    snprintf(action, sizeof action, "/reviews/%lld/delete", (long long)id);
    snprintf(back, sizeof back, "/restaurants/%lld", (long long)r->r.restaurant_id);
    rc = render_confirm(c, "Delete your review", "Delete review", action, NULL, NULL, back);
out:
    fc_review_clear(&r->r);
    free(r);
    return rc;
}
