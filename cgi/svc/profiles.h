/* svc/profiles: people's profiles, once for the web pages and the JSON API: showing one as the
 * actor may see it (the profile rule, store.h), its reviews, editing one's own under one set of
 * field rules, and searching people by name. */
#ifndef FC_SVC_PROFILES_H
#define FC_SVC_PROFILES_H

#include "svc/svc.h"

#include <stddef.h>

/* The most bytes of a profile's cuisines (comma-separated, with the NUL): more is "Too many
 * cuisines" (422). */
#define FC_SVC_CUISINES_MAX 2048

/* A member's profile as the actor may see it. */
struct fc_svc_profile {
    struct fc_user user; /* blanked outside fields (fc_store_user_redact) */
    unsigned fields;     /* FC_FIELD_* the actor may see */
    int self;            /* the actor's own profile */
    int rel;             /* the actor's FC_REL_* bits towards them (0: anonymous or self) */
    int mutual;          /* friends in common (when logged in and not self) */
    int review_count;    /* their reviews (when fields has FC_FIELD_REVIEWS) */
};

/* The profile of username: 404 for nobody by that name, a disabled account (but to admins) and
 * someone who blocked the actor. out->user owns its text: fc_user_clear(&out->user) after,
 * whatever the result. */
int fc_svc_profile_get(const struct fc_svc *sv, const char *username, struct fc_svc_profile *out,
                       struct fc_svc_result *res);
/* The profile page: fc_svc_profile_get and fc_svc_profile_reviews (at most max rows into rows,
 * *n of them; the caller frees them with fc_review_rows_clear whatever the result) with the
 * reviews and their count read in one store operation (reviews_by_user_seen). */
int fc_svc_profile_page(const struct fc_svc *sv, const char *username, struct fc_svc_profile *out,
                        struct fc_review_row *rows, int max, int *n, struct fc_svc_result *res);
/* The newest reviews of p's member the actor may see, at most max into out (none when the
 * profile rule hides them). */
int fc_svc_profile_reviews(const struct fc_svc *sv, const struct fc_svc_profile *p,
                           struct fc_review_row *out, int max, int *n, struct fc_svc_result *res);

/* A profile change: NULL fields keep their value. */
struct fc_svc_profile_edit {
    const char *display_name;    /* 1 to 60 characters */
    const char *bio;             /* up to 1000 */
    const char *city;            /* up to 80 */
    const char *price;           /* low | medium | high | "" */
    const char *visibility;      /* public | friends */
    int set_cuisines;            /* 0: cuisines keep their value */
    const char *const *cuisines; /* ncuisines names from fc_svc_profile_cuisines; a name given
                                  * twice counts once */
    size_t ncuisines;
    int set_saves_private; /* 0: saves_private keeps its value */
    int saves_private;     /* 1: keep the want-to-go list private (no saves in friends' feeds) */
};

/* The member called username, for the actor to edit: 404 (as fc_svc_profile_get), 403 when it
 * is someone else's profile. username NULL: the actor's own. *out is overwritten and owns its
 * text: fc_user_clear(out) after, whatever the result (the same for fc_svc_profile_edit). */
int fc_svc_profile_own(const struct fc_svc *sv, const char *username, struct fc_user *out,
                       struct fc_svc_result *res);
/* Applies in to the actor's profile username (NULL: their own) and stores it; 422 naming the
 * first field at fault (nothing stored), 403/404 as fc_svc_profile_own. *out is the profile
 * as changed (also when refused: what was asked, for the form to show again). */
int fc_svc_profile_edit(const struct fc_svc *sv, const char *username,
                        const struct fc_svc_profile_edit *in, struct fc_user *out,
                        struct fc_svc_result *res);

/* The cuisines a profile may choose from (every cuisine a restaurant has), in the order the
 * store gives them. */
int fc_svc_profile_cuisines(const struct fc_svc *sv, struct fc_strlist *out,
                            struct fc_svc_result *res);

/* People whose username or display name contains q (1 to 60 characters; 400 otherwise),
 * minus those who blocked the actor; at most max into out, each blanked as the profile rule
 * lets the actor see them. */
int fc_svc_profile_search(const struct fc_svc *sv, const char *q, struct fc_person *out, int max,
                          int *n, struct fc_svc_result *res);

#endif
