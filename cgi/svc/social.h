/* svc/social: friends and blocks, once for the web pages and the JSON API: the people lists,
 * and the friend actions (request, accept, decline, cancel, remove, block, unblock) under the
 * friend rules (store/rules.h). */
#ifndef FC_SVC_SOCIAL_H
#define FC_SVC_SOCIAL_H

#include "store/rules.h"
#include "svc/svc.h"

/* A friend action on the person called username. */
struct fc_svc_friend_in {
    enum fc_rules_act act; /* FC_ACT_REQUEST ... FC_ACT_UNBLOCK */
    const char *username;
    const char *field; /* the input that named them ("username"), or NULL (a path) */
};

/* What the action did. */
struct fc_svc_friend_out {
    struct fc_person other; /* them afterwards, blanked as the profile rule lets the actor see */
    const char *state;      /* "requested", "friends" (request, accept), or NULL */
    char message[512];      /* for the person: "Friend request sent to Bruno." */
};

/* Does in->act. Success: 201 (a request sent), 200 (friends now), 204 (anything else).
 * Refusals: 404 user_not_found (nobody by that name, a disabled account, someone who blocked
 * the actor: but blocking and unblocking them stay possible), 422 invalid_value (oneself),
 * 409 blocked (the actor blocked them: unblock first), 409 already_friends, 409
 * request_exists, 404 request_not_found, 404 not_friends. */
int fc_svc_friend_act(const struct fc_svc *sv, const struct fc_svc_friend_in *in,
                      struct fc_svc_friend_out *out, struct fc_svc_result *res);

/* One of the actor's people lists (friends, requests in and out, suggestions, blocked), at
 * most max into out, each blanked as the profile rule lets the actor see them. */
int fc_svc_friend_list(const struct fc_svc *sv, enum fc_person_list which, struct fc_person *out,
                       int max, int *n, struct fc_svc_result *res);

#endif
