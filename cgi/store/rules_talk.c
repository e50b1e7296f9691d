/* store/rules_talk: the conversation rules as pure functions (see rules_talk.h). */
#include "store/rules_talk.h"

#include "store/store.h"

#define BLOCKS (FC_REL_BLOCKED | FC_REL_BLOCKED_BY)

int fc_rules_talk_may_act(int64_t viewer, int64_t author, const char *visibility, int disabled,
                          int rel)
{
    return viewer > 0 && fc_store_may_see(viewer, author, visibility, disabled, rel);
}

int fc_rules_talk_comment_shown(int review_seen, int64_t viewer, int64_t commenter,
                                int commenter_disabled, int commenter_rel, int author_block)
{
    if (!review_seen || commenter_disabled || author_block)
        return 0;
    if (viewer && viewer == commenter)
        return 1;
    return !(commenter_rel & BLOCKS);
}

int fc_rules_talk_may_delete(int64_t actor, int64_t commenter, int64_t review_author)
{
    return actor > 0 && (actor == commenter || actor == review_author);
}

int64_t fc_rules_talk_notify(int64_t actor, int64_t author)
{
    return author > 0 && author != actor ? author : 0;
}

int fc_rules_talk_note_shown(int64_t recipient, int64_t actor, int actor_disabled, int rel)
{
    return recipient > 0 && actor > 0 && recipient != actor && !actor_disabled && !(rel & BLOCKS);
}
