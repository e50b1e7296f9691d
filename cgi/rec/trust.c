/* rec/trust: what a recommendation shown now may say, against the user as they are now rather
 * than as the model saw them at its last build: a place they rated is left out, "Because you
 * liked X" needs X rated 4 stars or more now, a favourite cuisine of the profile is a reason,
 * and one list does not tell the same kind of reason over and over when another true one is
 * there. Pure functions; svc/recs.c reads what they need (one query for the ratings). */
#include "core/util.h"
#include "rec/rec.h"

#include <ctype.h>
#include <string.h>

int fc_rec_stars_now(const struct fc_rec_now *now, int64_t item)
{
    for (size_t i = 0; now && i < now->n_rated; i++)
        if (now->rated[i].restaurant_id == item)
            return now->rated[i].stars;
    return 0;
}

size_t fc_rec_leave_out_rated(struct rec_result *res, size_t n, const struct fc_rec_now *now)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!fc_rec_stars_now(now, res[i].item)) {
            if (k != i)
                res[k] = res[i];
            k++;
        }
    return k;
}

/* Whether name (any case, extra spaces and '_' as a space) is in the comma-separated list. */
static int same_word(const char *a, size_t na, const char *b, size_t nb)
{
    while (na && isspace((unsigned char)*a))
        a++, na--;
    while (na && isspace((unsigned char)a[na - 1]))
        na--;
    while (nb && isspace((unsigned char)*b))
        b++, nb--;
    while (nb && isspace((unsigned char)b[nb - 1]))
        nb--;
    if (!na || na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        char x = a[i] == '_' ? ' ' : (char)tolower((unsigned char)a[i]);
        char y = b[i] == '_' ? ' ' : (char)tolower((unsigned char)b[i]);
        if (x != y)
            return 0;
    }
    return 1;
}

static int in_list(const char *list, const char *name)
{
    while (list && *list) {
        size_t len = strcspn(list, ",;");
        if (same_word(list, len, name, strlen(name)))
            return 1;
        list += len;
        if (*list)
            list++;
    }
    return 0;
}

int fc_rec_is_favourite(const struct fc_rec_now *now, const char *cuisine)
{
    return now && cuisine && *cuisine && in_list(now->favourites, cuisine);
}

int fc_rec_reason_true(struct rec_result *r, const char *item_cuisines,
                       const struct fc_rec_now *now)
{
    int before = r->reason;
    char fav[sizeof r->cuisine] = "";

    /* "because you liked X": X rated 4 stars or more now, never a place only saved */
    if (r->because_item && fc_rec_stars_now(now, r->because_item) < 4)
        r->because_item = 0;
    /* the first cuisine of the place that the profile names as a favourite */
    for (const char *s = item_cuisines; s && *s && !fav[0];) {
        size_t len = strcspn(s, ",;");
        char one[sizeof fav];
        size_t m = len < sizeof one - 1 ? len : sizeof one - 1;
        memcpy(one, s, m);
        one[m] = 0;
        if (fc_rec_is_favourite(now, one)) {
            char *p = one;
            while (isspace((unsigned char)*p))
                p++;
            fc_strlcpy(fav, p, sizeof fav);
            for (size_t e = strlen(fav); e && isspace((unsigned char)fav[e - 1]); e--)
                fav[e - 1] = 0;
        }
        s += len;
        if (*s)
            s++;
    }
    if (!fav[0] && fc_rec_is_favourite(now, r->cuisine))
        fc_strlcpy(fav, r->cuisine, sizeof fav);
    if (fav[0])
        fc_strlcpy(r->cuisine, fav, sizeof r->cuisine);

    if (r->reason == REC_WHY_BECAUSE && !r->because_item)
        r->reason = r->cuisine[0] ? REC_WHY_CUISINE
                    : r->city[0]  ? REC_WHY_POPULAR_CITY
                                  : REC_WHY_POPULAR;
    /* a favourite cuisine says more than "popular" or the service's "picked for you" */
    if (fav[0] && (r->reason == REC_WHY_POPULAR || r->reason == REC_WHY_POPULAR_CITY ||
                   r->reason == FC_REC_WHY_PERSONALIZED))
        r->reason = REC_WHY_CUISINE;
    return r->reason != before;
}

/* The kinds vary counts: the ones a result may be switched to, and the others. */
static int kind_of(int reason)
{
    switch (reason) {
    case REC_WHY_FRIENDS:
        return 0;
    case REC_WHY_BECAUSE:
        return 1;
    case REC_WHY_CUISINE:
        return 2;
    case REC_WHY_POPULAR_CITY:
        return 3;
    case REC_WHY_POPULAR:
        return 4;
    default:
        return 5;
    }
}

void fc_rec_reasons_vary(struct rec_result *res, size_t n, const struct fc_rec_now *now)
{
    int count[6] = {0};
    for (size_t i = 0; i < n; i++) {
        struct rec_result *r = &res[i];
        int k = kind_of(r->reason), alt = -1;
        if (count[k] >= FC_REC_SAME_REASON_MAX) {
            /* another reason this result truly has, told fewer times so far */
            if (r->because_item && fc_rec_stars_now(now, r->because_item) >= 4 &&
                count[1] < count[k])
                alt = 1;
            if (fc_rec_is_favourite(now, r->cuisine) && count[2] < count[k] &&
                (alt < 0 || count[2] < count[alt]))
                alt = 2;
        }
        if (alt >= 0) {
            r->reason = alt == 1 ? REC_WHY_BECAUSE : REC_WHY_CUISINE;
            if (k == 0) { /* the friends part is no longer told: it goes */
                memset(r->friend_ids, 0, sizeof r->friend_ids);
                r->n_friends = 0;
                r->friends_avg = 0;
            }
            k = alt;
        }
        count[k]++;
    }
}
