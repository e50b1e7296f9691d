/* svc/saves: the want-to-go list: saving and unsaving a restaurant (with their events), "been
 * there" (off the list, on to a review) and the list itself, read into as many rows as it has
 * (svc/content.h). */
#include "core/app.h"
#include "core/util.h"
#include "rec/personalize.h"
#include "svc/content.h"

#include <stdlib.h>

#define SAVES_MAX 500 /* the longest list shown */

int fc_svc_save_set(const struct fc_svc *sv, int64_t restaurant_id, int save,
                    struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_restaurant r;
    int64_t uid = fc_svc_actor_id(sv), now = fc_now();
    int rc;

    fc_svc_ok(res, 204);
    if (!uid)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to keep a list.");
    if (fc_svc_restaurant_get(sv, restaurant_id, &r, res))
        return FC_EINVAL;
    rc = save ? s->ops->save_put(s, uid, restaurant_id, now)
              : s->ops->save_delete(s, uid, restaurant_id);
    if (rc || s->ops->event_add(s, uid, restaurant_id, save ? "save" : "unsave", 1, now))
        return fc_svc_fail_store(sv, res, save ? "save" : "unsave");
    fc_personalize_event_sv(sv, uid, restaurant_id, save ? "save" : "unsave", 1, now);
    return FC_OK;
}

int fc_svc_save_been(const struct fc_svc *sv, int64_t restaurant_id, struct fc_svc_result *res)
{
    if (fc_svc_save_set(sv, restaurant_id, 0, res))
        return FC_EINVAL;
    fc_svc_ok(res, 200);
    return FC_OK;
}

int fc_svc_save_list(const struct fc_svc *sv, struct fc_restaurant **out, int *n,
                     struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_restaurant *rows = NULL;
    int cap = 16;

    fc_svc_ok(res, 200);
    *out = NULL;
    *n = 0;
    /* most lists are short: read into a small buffer, and again into a larger one only while
     * the list fills it (a restaurant record is some 3 kB; 500 of them were 1.5 MB a request) */
    for (;;) {
        struct fc_restaurant *more = realloc(rows, (size_t)cap * sizeof *rows);
        if (!more) {
            free(rows);
            return fc_svc_fail_store(sv, res, "saved list (no memory)");
        }
        rows = more;
        if (s->ops->saves_of_user(s, fc_svc_actor_id(sv), rows, cap, n)) {
            free(rows);
            return fc_svc_fail_store(sv, res, "saved list");
        }
        if (*n < cap || cap == SAVES_MAX)
            break;
        cap = cap * 4 > SAVES_MAX ? SAVES_MAX : cap * 4;
    }
    *out = rows;
    return FC_OK;
}
