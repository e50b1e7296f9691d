/* views: each process's memo of the restaurant views it logged in the interaction log lately,
 * for the rule of svc/restaurants.c: a view of a restaurant by a viewer who viewed it within
 * the window (Rec.ViewRepeatSeconds) is a repeat, not a new interaction, and is not logged
 * again. A bounded table of FC_VIEWS_SLOTS pairs, one per slot: a pair pushed out by another
 * is logged again on its next view (one more write, nothing lost). Per process (each FastCGI
 * process logs a viewer's first view it sees), no locking (one request at a time). */
#ifndef FC_VIEWS_H
#define FC_VIEWS_H

#include <stdint.h>

#define FC_VIEWS_SLOTS 4096

struct fc_views;

/* An empty memo for a window of window seconds; NULL when window <= 0 (every view is logged)
 * or out of memory (the same). */
struct fc_views *fc_views_new(int64_t window);
/* Frees it; NULL is a no-op. */
void fc_views_free(struct fc_views *v);
/* The rule: a view at now repeats one logged at last when it came less than window seconds
 * after it (a clock that went back: not a repeat). */
int fc_views_within(int64_t last, int64_t now, int64_t window);
/* 1 when user's view of restaurant at now repeats a view noted within the window; 0 otherwise
 * and always for a NULL memo. */
int fc_views_repeat(const struct fc_views *v, int64_t user, int64_t restaurant, int64_t now);
/* Notes that user's view of restaurant at at was logged (stored). NULL is a no-op. */
void fc_views_note(struct fc_views *v, int64_t user, int64_t restaurant, int64_t at);

#endif
