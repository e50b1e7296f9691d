/* store/rules_talk: the conversation rules (likes, comments, notifications) as pure functions of
 * what is stored, written once for both backends and the service layer (svc/talk.c): who may
 * like or comment on a review, who sees a comment, who may delete one, who is notified and
 * which notifications a person is shown. docs/social.md "Conversation" says them in words. */
#ifndef FC_RULES_TALK_H
#define FC_RULES_TALK_H

#include <stdint.h>

/* May viewer (0: a visitor) like or comment on a review by author (their visibility, whether
 * the account is disabled, the viewer's FC_REL_* bits towards them)? Exactly when the viewer is
 * logged in and may see the review (fc_store_may_see), which a block either way forbids. */
int fc_rules_talk_may_act(int64_t viewer, int64_t author, const char *visibility, int disabled,
                          int rel);

/* Is a comment by commenter shown to viewer? review_seen: the viewer may see the review it is
 * on (a friends-only review's comments are seen by its author's friends only); commenter_rel:
 * the viewer's FC_REL_* bits towards the commenter; author_block: a block stands, either way,
 * between the commenter and the review's author. Never when the commenter's account is
 * disabled or a block stands between them and the review's author (blocking someone takes
 * their comments off one's reviews, for everyone); else their own, or anyone's when no block
 * stands between the viewer and them. */
int fc_rules_talk_comment_shown(int review_seen, int64_t viewer, int64_t commenter,
                                int commenter_disabled, int commenter_rel, int author_block);

/* May actor delete a comment by commenter on a review by review_author? The comment's author
 * and the review's author may. */
int fc_rules_talk_may_delete(int64_t actor, int64_t commenter, int64_t review_author);

/* Whom a like or comment by actor on a review by author notifies: the author (returned), or 0
 * when that is the actor. (A block either way already forbids the like or comment.) */
int64_t fc_rules_talk_notify(int64_t actor, int64_t author);

/* Is a notification about actor shown to recipient (and counted among the unread)? rel: the
 * recipient's FC_REL_* bits towards the actor as they stand now. Never about oneself, a
 * disabled account or someone blocked either way (a block after the notification hides it). */
int fc_rules_talk_note_shown(int64_t recipient, int64_t actor, int actor_disabled, int rel);

#endif
