/* store/rules: the social rules as pure functions of what is stored, written once for every
 * backend and for the service layer: what a friend action does to the relation of two people
 * (request, accept, decline, cancel, remove, block, unblock) or why it is refused. The
 * backends only read and write the relation (fc_store_ops.relation, .relation_set). */
#ifndef FC_RULES_H
#define FC_RULES_H

#include <stdint.h>

/* What someone does about another person. */
enum fc_rules_act {
    FC_ACT_REQUEST,  /* ask to be friends; accepts their request if they had asked */
    FC_ACT_ACCEPT,   /* accept their request */
    FC_ACT_DECLINE,  /* decline their request */
    FC_ACT_CANCEL,   /* take back one's own request */
    FC_ACT_WITHDRAW, /* the request between the two, whichever way: decline, else cancel */
    FC_ACT_REMOVE,   /* end a friendship */
    FC_ACT_BLOCK,    /* block: also ends the friendship and requests both ways */
    FC_ACT_UNBLOCK,  /* lift one's own block (theirs, if any, stays) */
    FC_ACT_BEFRIEND, /* make friends at once (the demo import) */
};

/* Why an action is refused (FC_RULE_OK: it is not). */
enum fc_rules_refusal {
    FC_RULE_OK = 0,
    FC_RULE_SELF,        /* the other is oneself */
    FC_RULE_HIDDEN,      /* they blocked the actor: they are not there for them */
    FC_RULE_BLOCKED,     /* the actor blocked them: unblock first */
    FC_RULE_FRIENDS,     /* already friends */
    FC_RULE_ASKED,       /* the actor's request is pending already */
    FC_RULE_NO_REQUEST,  /* no such request */
    FC_RULE_NOT_FRIENDS, /* no such friendship */
};

/* What act by viewer towards other does, given rel (the viewer's FC_REL_* bits towards other,
 * as stored now): returns FC_RULE_OK and sets *after to the relation it leaves, or the
 * refusal (*after is then rel). Blocking and unblocking are always possible (one may block
 * back someone who blocked them, and lift one's own block whatever theirs); any other action
 * towards someone who blocked the viewer is FC_RULE_HIDDEN. */
enum fc_rules_refusal fc_rules_friend(enum fc_rules_act act, int64_t viewer, int64_t other, int rel,
                                      int *after);

/* The name of an action ("request", "accept"... as the web's /friends/:action says it), or
 * NULL; fc_rules_act_parse is its inverse (FC_ERR-free: -1 for an unknown name). */
const char *fc_rules_act_name(enum fc_rules_act act);
int fc_rules_act_parse(const char *name);

/* How FC_REL_* bits of a relation change from before to after: the bits to add and those to
 * take away (a backend writes and deletes exactly these). */
void fc_rules_rel_diff(int before, int after, int *add, int *drop);

/* Whether a change between before and after starts or ends a friendship: +1, -1 or 0 (the
 * feed fan-out and the friend counters follow it). */
int fc_rules_friendship_change(int before, int after);

/* "Best rated": a restaurant's Bayesian average rating, written once for both backends (SQLite
 * registers it as the SQL function fc_bayes, DynamoDB sorts with it in memory). Its reviews'
 * stars (their sum and count) are pooled with a prior of FC_RULES_BAYES_WEIGHT reviews of
 * FC_RULES_BAYES_PRIOR stars: (prior * weight + sum) / (weight + count). One 5-star review
 * scores 3.33, twenty reviews averaging 4.2 score 3.96, and a place without reviews scores the
 * prior: a few reviews move a place little, many move it to their own average. */
#define FC_RULES_BAYES_PRIOR  3.0
#define FC_RULES_BAYES_WEIGHT 5
double fc_rules_bayes(long stars_sum, long count);

/* Does a friend's feed show an item of kind (FC_FEED_*) by an author whose want-to-go list
 * is private (saves_private) or not? Applied when the feed is read (both backends), so that
 * turning the setting off shows the saves again. */
int fc_rules_feed_shown(int kind, int saves_private);

#endif
