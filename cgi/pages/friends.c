/* pages/friends: the friends page (friends, requests, suggestions, search, blocked) and the
 * friend actions (request, accept, decline, cancel, remove, block, unblock), through
 * svc/social.c and svc/profiles.c as the API does them. */
#include "core/util.h"
#include "pages/pages.h"
#include "svc/profiles.h"
#include "svc/social.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 200

/* Puts people (blanked by the service as the profile rule says) under prefix.N. */
static void set_people(struct fc_ctx *c, const char *prefix, const struct fc_person *p, int n)
{
    char k[128];
    for (int i = 0; i < n; i++) {
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
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_person *people = calloc(LIST_MAX, sizeof *people);
    const char *q = fc_query(c, "q");
    int n, rc = 500;

    if (!people)
        return 500;
    for (size_t i = 0; i < FC_ARRAY_LEN(lists); i++) {
        int max = lists[i].which == FC_LIST_SUGGEST ? 10 : LIST_MAX;
        if (fc_svc_friend_list(&sv, lists[i].which, people, max, &n, &res))
            goto fail;
        set_people(c, lists[i].key, people, n);
        if (lists[i].which == FC_LIST_FRIENDS)
            fc_set_int(c, "Friends.Count", n);
    }
    if (*q) {
        if (fc_svc_profile_search(&sv, q, people, 30, &n, &res))
            goto fail;
        fc_set(c, "Friends.Query", q);
        set_people(c, "Friends.Found", people, n);
        fc_set_int(c, "Friends.FoundCount", n);
    }
    fc_set(c, "Page.Title", "Friends");
    rc = fc_render(c, "friends.cs") ? 500 : 0;
    goto out;
fail:
    rc = fc_error_result(c, &res);
out:
    free(people);
    return rc;
}

/* POST /friends/:action with a "username" field. */
int page_friend_action(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_friend_out out;
    int act = fc_rules_act_parse(c->args[0]);
    struct fc_svc_friend_in in = {.username = fc_form(c, "username"), .field = "username"};
    const char *next = pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : "/friends");

    /* the page's actions: not the API's "withdraw", nor the import's "befriend" */
    if (act < 0 || act == FC_ACT_WITHDRAW || act > FC_ACT_UNBLOCK)
        return 404;
    in.act = (enum fc_rules_act)act;
    if (fc_svc_friend_act(&sv, &in, &out, &res))
        return fc_error_result(c, &res);
    return fc_redirect(c, next, out.message);
}
