/* pages/friends: the friends page (friends, requests, suggestions, search, blocked) and the
 * friend actions (request, accept, decline, cancel, remove, block, unblock). */
#include "core/util.h"
#include "pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 200

/* Puts people under prefix.N, each as the profile rule lets the viewer see them. */
static void set_people(struct fc_ctx *c, const char *prefix, struct fc_person *p, int n)
{
    char k[128];
    for (int i = 0; i < n; i++) {
        fc_store_person_redact(&p[i], c->user.id);
        snprintf(k, sizeof k, "%s.%d.Username", prefix, i);
        fc_set(c, k, p[i].username);
        snprintf(k, sizeof k, "%s.%d.Name", prefix, i);
        fc_set(c, k, p[i].display_name[0] ? p[i].display_name : p[i].username);
        snprintf(k, sizeof k, "%s.%d.City", prefix, i);
        fc_set(c, k, p[i].city);
        snprintf(k, sizeof k, "%s.%d.Mutual", prefix, i);
        fc_set_int(c, k, p[i].mutual);
    }
}

int page_friends(struct fc_ctx *c)
{
    static const struct {
        enum fc_person_list which;
        const char *key;
    } lists[] = {{FC_LIST_REQ_IN, "Friends.In"},
                 {FC_LIST_REQ_OUT, "Friends.Out"},
                 {FC_LIST_FRIENDS, "Friends.List"},
                 {FC_LIST_SUGGEST, "Friends.Suggest"},
                 {FC_LIST_BLOCKED, "Friends.Blocked"}};
    struct fc_store *s = c->app->store;
    struct fc_person *people = calloc(LIST_MAX, sizeof *people);
    const char *q = fc_query(c, "q");
    int n, rc = 500;

    if (!people)
        return 500;
    if (fc_utf8_len(q) > 60) {
        fc_set(c, "Error.Message", "Search text is too long (at most 60 characters).");
        rc = 400;
        goto out;
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(lists); i++) {
        int max = lists[i].which == FC_LIST_SUGGEST ? 10 : LIST_MAX;
        if (s->ops->people(s, lists[i].which, c->user.id, people, max, &n))
            goto out;
        set_people(c, lists[i].key, people, n);
        if (lists[i].which == FC_LIST_FRIENDS)
            fc_set_int(c, "Friends.Count", n);
    }
    if (*q) {
        fc_set(c, "Friends.Query", q);
        if (s->ops->people_search(s, q, c->user.id, people, 30, &n))
            goto out;
        set_people(c, "Friends.Found", people, n);
        fc_set_int(c, "Friends.FoundCount", n);
    }
    fc_set(c, "Page.Title", "Friends");
    rc = fc_render(c, "friends.cs") ? 500 : 0;
out:
    free(people);
    return rc;
}

/* POST /friends/:action with a "username" field. */
int page_friend_action(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const char *action = c->args[0], *name = fc_form(c, "username");
    const char *next = pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : "/friends");
    struct fc_user other;
    char msg[512];
    int rc, rel;
    int64_t me = c->user.id, now = fc_now();

    rc = s->ops->user_by_name(s, name, &other);
    if (rc == FC_ERR)
        return 500;
    if (rc == FC_NOTFOUND || other.disabled) {
        fc_set(c, "Error.Message", "There is no user by that name.");
        return 404;
    }
    if (other.id == me) {
        fc_set(c, "Error.Message", "That is you.");
        return 400;
    }
    if (s->ops->relation(s, me, other.id, &rel))
        return 500;
    /* someone who blocked you is not there for you */
    if ((rel & FC_REL_BLOCKED_BY) && strcmp(action, "block") != 0) {
        fc_set(c, "Error.Message", "There is no user by that name.");
        return 404;
    }
    if (strcmp(action, "request") == 0) {
        if (rel & FC_REL_BLOCKED) {
            fc_set(c, "Error.Message", "Unblock this person first.");
            return 409;
        }
        rc = s->ops->friend_request(s, me, other.id, now);
        if (rc == FC_EXISTS)
            snprintf(msg, sizeof msg, "%s",
                     rel & FC_REL_FRIEND ? "You are already friends." : "Request already sent.");
        else if (rel & FC_REL_REQ_IN)
            snprintf(msg, sizeof msg, "You and %s are now friends.", other.display_name);
        else
            snprintf(msg, sizeof msg, "Friend request sent to %s.", other.display_name);
        if (rc == FC_EXISTS)
            rc = FC_OK;
    } else if (strcmp(action, "accept") == 0) {
        rc = s->ops->friend_accept(s, me, other.id, now);
        snprintf(msg, sizeof msg, "You and %s are now friends.", other.display_name);
    } else if (strcmp(action, "decline") == 0) {
        rc = s->ops->friend_request_delete(s, other.id, me);
        snprintf(msg, sizeof msg, "Request from %s declined.", other.display_name);
    } else if (strcmp(action, "cancel") == 0) {
        rc = s->ops->friend_request_delete(s, me, other.id);
        snprintf(msg, sizeof msg, "Request to %s cancelled.", other.display_name);
    } else if (strcmp(action, "remove") == 0) {
        rc = s->ops->friend_remove(s, me, other.id);
        snprintf(msg, sizeof msg, "%s is no longer your friend.", other.display_name);
    } else if (strcmp(action, "block") == 0) {
        rc = s->ops->block(s, me, other.id, now);
        snprintf(msg, sizeof msg, "%s is blocked: they can no longer see or contact you.",
                 other.display_name);
    } else if (strcmp(action, "unblock") == 0) {
        rc = s->ops->unblock(s, me, other.id);
        snprintf(msg, sizeof msg, "%s is unblocked.", other.display_name);
    } else {
        return 404;
    }
    if (rc == FC_NOTFOUND) {
        fc_set(c, "Error.Message", "There is no such request or friendship (any more).");
        return 409;
    }
    if (rc == FC_EINVAL) {
        fc_set(c, "Error.Message", "That is not possible with this person.");
        return 409;
    }
    if (rc)
        return 500;
    return fc_redirect(c, next, msg);
}
