/* views: the memo of the views each process logged lately (svc/views.h). One per process (on
 * fc_app), used by the request thread only: the recommender's refresh thread never logs a view. */
#include "svc/views.h"

#include <stddef.h>
#include <stdlib.h>

struct slot {
    int64_t user, restaurant, at; /* user 0: empty */
};

struct fc_views {
    int64_t window;
    struct slot slots[FC_VIEWS_SLOTS];
};

struct fc_views *fc_views_new(int64_t window)
{
    struct fc_views *v;
    if (window <= 0 || !(v = calloc(1, sizeof *v)))
        return NULL;
    v->window = window;
    return v;
}

void fc_views_free(struct fc_views *v)
{
    free(v);
}

int fc_views_within(int64_t last, int64_t now, int64_t window)
{
    return now >= last && now - last < window;
}

/* The slot of a pair. */
static size_t slot_of(int64_t user, int64_t restaurant)
{
    uint64_t h =
        (uint64_t)user * 0x9E3779B97F4A7C15ULL ^ (uint64_t)restaurant * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    return (size_t)(h % FC_VIEWS_SLOTS);
}

int fc_views_repeat(const struct fc_views *v, int64_t user, int64_t restaurant, int64_t now)
{
    const struct slot *s;
    if (!v || user <= 0)
        return 0;
    s = &v->slots[slot_of(user, restaurant)];
    return s->user == user && s->restaurant == restaurant && fc_views_within(s->at, now, v->window);
}

void fc_views_note(struct fc_views *v, int64_t user, int64_t restaurant, int64_t at)
{
    struct slot *s;
    if (!v || user <= 0)
        return;
    s = &v->slots[slot_of(user, restaurant)];
    s->user = user;
    s->restaurant = restaurant;
    s->at = at;
}
