/* svc/social: friend actions and people lists (see social.h). The decision is the friend rule
 * (store/rules.h), applied by fc_store_relate; this file says what each answer means to a
 * person. */
#include "svc/social.h"

#include "core/app.h"
#include "core/util.h"
#include "svc/talk.h"

#include <stdio.h>
#include <string.h>

/* The name people see for u. */
static const char *shown(const struct fc_user *u)
{
    return u->display_name[0] ? u->display_name : u->username;
}

/* A refusal of the rule as a result. */
static int refuse(struct fc_svc_result *res, int refusal, const char *field)
{
    switch (refusal) {
    case FC_RULE_SELF:
        return fc_svc_fail(res, 422, "invalid_value", field, "That is you.");
    case FC_RULE_HIDDEN:
        return fc_svc_fail(res, 404, "user_not_found", field, "There is no user by that name.");
    case FC_RULE_BLOCKED:
        return fc_svc_fail(res, 409, "blocked", field,
                           "You blocked this person; unblock them first.");
    case FC_RULE_FRIENDS:
        return fc_svc_fail(res, 409, "already_friends", field, "You are already friends.");
    case FC_RULE_ASKED:
        return fc_svc_fail(res, 409, "request_exists", field, "You already sent a request.");
    case FC_RULE_NOT_FRIENDS:
        return fc_svc_fail(res, 404, "not_friends", field, "You are not friends with this person.");
    default:
        return fc_svc_fail(res, 404, "request_not_found", field,
                           "There is no friend request between you and this person.");
    }
}

int fc_svc_friend_act(const struct fc_svc *sv, const struct fc_svc_friend_in *in,
                      struct fc_svc_friend_out *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_user u;
    int64_t me = fc_svc_actor_id(sv);
    int rc, refusal, before = 0, after = 0;

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 204);
    if (!me)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    if (in->act > FC_ACT_UNBLOCK)
        return fc_svc_fail(res, 404, NULL, NULL, "There is no such action.");
    rc = s->ops->user_by_name(s, in->username ? in->username : "", &u);
    fc_user_clear(&u); /* its id and state are what counts */
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "user");
    if (rc == FC_NOTFOUND || u.disabled)
        return fc_svc_fail(res, 404, "user_not_found", in->field, "There is no user by that name.");
    if (fc_store_relate(s, me, u.id, in->act, fc_now(), &refusal, &before, &after))
        return fc_svc_fail_store(sv, res, fc_rules_act_name(in->act));
    if (refusal)
        return refuse(res, refusal, in->field);

    /* the other person hears of a request sent and of one accepted (svc/talk.c) */
    if ((in->act == FC_ACT_REQUEST || in->act == FC_ACT_ACCEPT) && !(before & FC_REL_FRIEND))
        fc_svc_note_friend(sv, u.id, (after & FC_REL_FRIEND) ? FC_NOTE_ACCEPT : FC_NOTE_REQUEST);
    switch (in->act) {
    case FC_ACT_REQUEST:
    case FC_ACT_ACCEPT:
        if (after & FC_REL_FRIEND) {
            out->state = "friends";
            snprintf(out->message, sizeof out->message, "You and %s are now friends.", shown(&u));
            fc_svc_ok(res, 200);
        } else {
            out->state = "requested";
            snprintf(out->message, sizeof out->message, "Friend request sent to %s.", shown(&u));
            fc_svc_ok(res, 201);
        }
        break;
    case FC_ACT_DECLINE:
        snprintf(out->message, sizeof out->message, "Request from %s declined.", shown(&u));
        break;
    case FC_ACT_CANCEL:
        snprintf(out->message, sizeof out->message, "Request to %s cancelled.", shown(&u));
        break;
    case FC_ACT_WITHDRAW:
        snprintf(out->message, sizeof out->message, "Request %s %s withdrawn.",
                 (before & FC_REL_REQ_IN) ? "from" : "to", shown(&u));
        break;
    case FC_ACT_REMOVE:
        snprintf(out->message, sizeof out->message, "%s is no longer your friend.", shown(&u));
        break;
    case FC_ACT_BLOCK:
        snprintf(out->message, sizeof out->message,
                 "%s is blocked: they can no longer see or contact you.", shown(&u));
        break;
    default:
        snprintf(out->message, sizeof out->message,
                 "%s is unblocked. You are not friends again: send a friend request if you "
                 "want to be.",
                 shown(&u));
        break;
    }
    /* them as the actor may see them now */
    out->other.id = u.id;
    fc_strlcpy(out->other.username, u.username, sizeof out->other.username);
    fc_strlcpy(out->other.display_name, u.display_name, sizeof out->other.display_name);
    fc_strlcpy(out->other.city, u.city, sizeof out->other.city);
    fc_strlcpy(out->other.visibility, u.visibility, sizeof out->other.visibility);
    out->other.rel = after;
    if (out->state && s->ops->mutual_count(s, me, u.id, &out->other.mutual))
        return fc_svc_fail_store(sv, res, "mutual count");
    fc_store_person_redact(&out->other, me);
    return FC_OK;
}

int fc_svc_friend_list(const struct fc_svc *sv, enum fc_person_list which, struct fc_person *out,
                       int max, int *n, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);
    *n = 0;
    fc_svc_ok(res, 200);
    if (!me)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in first.");
    if (s->ops->people(s, which, me, out, max, n))
        return fc_svc_fail_store(sv, res, "people");
    for (int i = 0; i < *n; i++)
        fc_store_person_redact(&out[i], me);
    return FC_OK;
}
