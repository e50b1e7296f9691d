/* svc/talk: conversation, once for the web pages and the JSON API: likes and comments on
 * reviews, their counts and threads for lists of reviews, and notifications (likes, comments,
 * friend requests, accepted requests). Who may do and see what is store/rules_talk.h. */
#ifndef FC_SVC_TALK_H
#define FC_SVC_TALK_H

#include "svc/svc.h"

#define FC_SVC_COMMENT_MAX_TEXT 500 /* Limits.MaxComment: characters of a comment */
#define FC_SVC_NOTES_PAGE       50  /* notifications on the page */

int fc_svc_comment_max_text(const struct fc_svc *sv);

/* Likes (on 1) or unlikes review_id as the actor. Idempotent: liking twice or unliking what
 * is not liked is no error. 401 not logged in; 404 review_not_found (no such review, or one
 * the actor may not see: a block either way, a friends-only author). *count (may be NULL):
 * the review's counts afterwards; *restaurant_id (may be NULL) its restaurant. A new like
 * notifies the review's author. 200. */
int fc_svc_like(const struct fc_svc *sv, int64_t review_id, int on, struct fc_talk_count *count,
                int64_t *restaurant_id, struct fc_svc_result *res);

/* Adds the actor's comment (body) to review_id: 201 with *out. 401; 404 review_not_found as
 * above; 422 "body" empty or longer than Limits.MaxComment characters. Notifies the review's
 * author. */
int fc_svc_comment_add(const struct fc_svc *sv, int64_t review_id, const char *body,
                       struct fc_comment *out, struct fc_svc_result *res);

/* Deletes comment id: 204 with *out the comment that was. 401; 404 comment_not_found (none,
 * or one the actor may not see); 403 forbidden (neither its author nor the review's). */
int fc_svc_comment_delete(const struct fc_svc *sv, int64_t id, struct fc_comment *out,
                          struct fc_svc_result *res);

/* The comments on review_id the actor may see, oldest first, at most max into out. 404
 * review_not_found when the actor may not see the review. */
int fc_svc_comments(const struct fc_svc *sv, int64_t review_id, struct fc_comment_row *out, int max,
                    int *n, struct fc_svc_result *res);

/* For a list of reviews ids[0..n) that the actor may see (the list's rows): their counts
 * (one batched read) into counts[0..n). */
int fc_svc_talk_counts(const struct fc_svc *sv, const int64_t *ids, int n,
                       struct fc_talk_count *counts, struct fc_svc_result *res);

/* The comments the actor may see on the reviews ids[0..n) of restaurant_id (the restaurant
 * page's visible reviews), oldest first, in one read: *out malloc'ed (free()), *nout rows. */
int fc_svc_restaurant_comments(const struct fc_svc *sv, int64_t restaurant_id, const int64_t *ids,
                               int n, struct fc_comment_row **out, int *nout,
                               struct fc_svc_result *res);

/* The actor's notifications they may see (fc_rules_talk_note_shown), newest first, at most
 * max. mark_read: everything listed is marked read (the page; the API's list leaves them). */
int fc_svc_notes(const struct fc_svc *sv, int mark_read, struct fc_note_row *out, int max, int *n,
                 struct fc_svc_result *res);
/* Marks all the actor's notifications read (204). */
int fc_svc_notes_mark_read(const struct fc_svc *sv, struct fc_svc_result *res);
/* How many unread notifications the actor may see (0 for a visitor or when the store fails:
 * the header must not fail a page). */
int fc_svc_notes_unread(const struct fc_svc *sv);
/* A friend request (kind FC_NOTE_REQUEST) or accepted request (FC_NOTE_ACCEPT) by the actor
 * for other: notified; a failure is logged, never the action's. */
void fc_svc_note_friend(const struct fc_svc *sv, int64_t other, int kind);

/* The restaurant page's conversation: fc_svc_talk_counts for ids[0..n), then, only when one
 * of those reviews has a comment (the counts say so, and they count every comment, shown or
 * not), fc_svc_restaurant_comments (*out NULL, *nout 0 otherwise): no comments read for a page
 * whose reviews have none. */
int fc_svc_restaurant_talk(const struct fc_svc *sv, int64_t restaurant_id, const int64_t *ids,
                           int n, struct fc_talk_count *counts, struct fc_comment_row **out,
                           int *nout, struct fc_svc_result *res);

/* "like", "comment", "request", "accept" (the API's kind names). */
const char *fc_svc_note_kind(int kind);

#endif
