/* store/rules: the friend actions as pure functions of the stored relation (see rules.h). */
#include "store/rules.h"

#include "core/util.h"
#include "store/store.h"

#include <string.h>

#define REQS (FC_REL_REQ_OUT | FC_REL_REQ_IN)

/* An action that takes away a bit the relation must have, else refused (none): a request
 * declined or cancelled, a friendship removed. */
static enum fc_rules_refusal take(int rel, int bit, enum fc_rules_refusal none, int *after)
{
    if (!(rel & bit))
        return none;
    *after = rel & ~bit;
    return FC_RULE_OK;
}

enum fc_rules_refusal fc_rules_friend(enum fc_rules_act act, int64_t viewer, int64_t other, int rel,
                                      int *after)
{
    *after = rel;
    if (viewer == other)
        return FC_RULE_SELF;
    if ((rel & FC_REL_BLOCKED_BY) && act != FC_ACT_BLOCK && act != FC_ACT_UNBLOCK)
        return FC_RULE_HIDDEN;
    switch (act) {
    case FC_ACT_REQUEST:
        if (rel & FC_REL_BLOCKED)
            return FC_RULE_BLOCKED;
        if (rel & FC_REL_FRIEND)
            return FC_RULE_FRIENDS;
        if (rel & FC_REL_REQ_OUT)
            return FC_RULE_ASKED;
        /* they had asked: the request is their request accepted */
        *after = (rel & FC_REL_REQ_IN) ? (rel | FC_REL_FRIEND) & ~REQS : rel | FC_REL_REQ_OUT;
        return FC_RULE_OK;
    case FC_ACT_ACCEPT:
        if (!(rel & FC_REL_REQ_IN))
            return FC_RULE_NO_REQUEST;
        *after = (rel | FC_REL_FRIEND) & ~REQS;
        return FC_RULE_OK;
    case FC_ACT_DECLINE:
        return take(rel, FC_REL_REQ_IN, FC_RULE_NO_REQUEST, after);
    case FC_ACT_CANCEL:
        return take(rel, FC_REL_REQ_OUT, FC_RULE_NO_REQUEST, after);
    case FC_ACT_WITHDRAW:
        return fc_rules_friend((rel & FC_REL_REQ_IN) ? FC_ACT_DECLINE : FC_ACT_CANCEL, viewer,
                               other, rel, after);
    case FC_ACT_REMOVE:
        return take(rel, FC_REL_FRIEND, FC_RULE_NOT_FRIENDS, after);
    case FC_ACT_BLOCK:
        *after = (rel | FC_REL_BLOCKED) & ~(FC_REL_FRIEND | REQS);
        return FC_RULE_OK;
    case FC_ACT_UNBLOCK:
        *after = rel & ~FC_REL_BLOCKED;
        return FC_RULE_OK;
    case FC_ACT_BEFRIEND:
        if (rel & FC_REL_BLOCKED)
            return FC_RULE_BLOCKED;
        *after = (rel | FC_REL_FRIEND) & ~REQS;
        return FC_RULE_OK;
    }
    return FC_RULE_NO_REQUEST; /* not an action */
}

static const char *const act_names[] = {
    [FC_ACT_REQUEST] = "request", [FC_ACT_ACCEPT] = "accept",     [FC_ACT_DECLINE] = "decline",
    [FC_ACT_CANCEL] = "cancel",   [FC_ACT_WITHDRAW] = "withdraw", [FC_ACT_REMOVE] = "remove",
    [FC_ACT_BLOCK] = "block",     [FC_ACT_UNBLOCK] = "unblock",   [FC_ACT_BEFRIEND] = "befriend",
};

const char *fc_rules_act_name(enum fc_rules_act act)
{
    return (unsigned)act < FC_ARRAY_LEN(act_names) ? act_names[act] : NULL;
}

int fc_rules_act_parse(const char *name)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(act_names); i++)
        if (name && strcmp(name, act_names[i]) == 0)
            return (int)i;
    return -1;
}

void fc_rules_rel_diff(int before, int after, int *add, int *drop)
{
    *add = after & ~before;
    *drop = before & ~after;
}

int fc_rules_friendship_change(int before, int after)
{
    if (!(before & FC_REL_FRIEND) && (after & FC_REL_FRIEND))
        return 1;
    if ((before & FC_REL_FRIEND) && !(after & FC_REL_FRIEND))
        return -1;
    return 0;
}

double fc_rules_bayes(long stars_sum, long count)
{
    if (count < 0)
        count = 0;
    return (FC_RULES_BAYES_PRIOR * FC_RULES_BAYES_WEIGHT + (double)stars_sum) /
           (double)(FC_RULES_BAYES_WEIGHT + count);
}

int fc_rules_feed_shown(int kind, int saves_private)
{
    return !(kind == FC_FEED_SAVE && saves_private);
}
