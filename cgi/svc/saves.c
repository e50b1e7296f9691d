/* svc/saves: the want-to-go list: saving and unsaving a restaurant (with their events), "been
 * there" (off the list, on to a review), private notes on the places, and the list itself, read
 * into as many rows as it has (svc/content.h). */
#include "core/app.h"
#include "core/util.h"
#include "rec/personalize.h"
#include "svc/content.h"

#include <stdlib.h>
#include <string.h>

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
    fc_restaurant_clear(&r); /* that it is there is what counts */
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
     * the list fills it (500 rows were 1.5 MB a request when a record held its text) */
    for (;;) {
        struct fc_restaurant *more = realloc(rows, (size_t)cap * sizeof *rows);
        if (!more) {
            free(rows);
            return fc_svc_fail_store(sv, res, "saved list (no memory)");
        }
        rows = more;
        if (s->ops->saves_of_user(s, fc_svc_actor_id(sv), rows, cap, n)) {
            free(rows);
            *n = 0;
            return fc_svc_fail_store(sv, res, "saved list");
        }
        if (*n < cap || cap == SAVES_MAX)
            break;
        for (int i = 0; i < *n; i++) /* read again, larger */
            fc_restaurant_clear(&rows[i]);
        cap = cap * 4 > SAVES_MAX ? SAVES_MAX : cap * 4;
    }
    *out = rows;
    return FC_OK;
}

int fc_svc_save_note_set(const struct fc_svc *sv, int64_t restaurant_id, const char *note,
                         struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t uid = fc_svc_actor_id(sv);
    size_t len = strlen(note);
    int rc;

    fc_svc_ok(res, 204);
    if (!uid)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to keep a list.");
    if (!fc_utf8_valid(note, len) || fc_utf8_len(note) > FC_SAVE_NOTE_CHARS ||
        len >= FC_SAVE_NOTE_SIZE)
        return fc_svc_fail(res, 422, "invalid_value", "note",
                           "A note can be at most 280 characters long.");
    rc = s->ops->save_note_set(s, uid, restaurant_id, note);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "not_found", NULL, "That place is not on your list.");
    if (rc)
        return fc_svc_fail_store(sv, res, "save note");
    return FC_OK;
}

int fc_svc_save_notes(const struct fc_svc *sv, int max, struct fc_save_note **out, int *n,
                      struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;

    fc_svc_ok(res, 200);
    *out = NULL;
    *n = 0;
    if (max <= 0)
        return FC_OK;
    if (!(*out = calloc((size_t)max, sizeof **out)))
        return fc_svc_fail_store(sv, res, "save notes (no memory)");
    if (s->ops->save_notes_of_user(s, fc_svc_actor_id(sv), *out, max, n)) {
        free(*out);
        *out = NULL;
        return fc_svc_fail_store(sv, res, "save notes");
    }
    return FC_OK;
}

const char *fc_svc_save_note_of(const struct fc_save_note *notes, int n, int64_t restaurant_id)
{
    for (int i = 0; i < n; i++)
        if (notes[i].restaurant_id == restaurant_id)
            return notes[i].note;
    return "";
}
