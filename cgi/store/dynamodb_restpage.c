/* store/dynamodb_restpage: the restaurant page's reads in one operation: the items
 * rest_view_get reads (the restaurant, the viewer's profile, save and review: one BatchGetItem;
 * a visitor's restaurant: one GetItem) are the reviews' context too, so the reviews do not read
 * them again, and the star counts come from the reviews' own Query of the restaurant's index
 * when it reads all of it (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A visitor's context: the restaurant alone, by GetItem, keyed as dynamo_found finds items
 * ("pk\x1fsk"). FC_OK, FC_NOTFOUND, FC_ERR. */
static int visitor_context(struct fc_dynamo *d, int64_t rid, struct fc_restaurant *rest,
                           json_object **found)
{
    json_object *it = NULL;
    char pk[32], key[64];
    int rc;
    *found = NULL;
    dynamo_rest_pk(pk, rid);
    if ((rc = dynamo_get(d, pk, "RESTAURANT", NULL, &it)))
        return rc;
    if ((rc = dynamo_item_rest(it, rest))) {
        json_object_put(it);
        return rc;
    }
    snprintf(key, sizeof key, "%s\x1f%s", pk, "RESTAURANT");
    *found = json_object_new_object();
    json_object_object_add(*found, key, it);
    return FC_OK;
}

int dynamo_rest_page_get(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                         struct fc_rest_page *out, struct fc_review_row *rows, int max, int *n)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct fc_review_row *all = NULL;
    json_object *found = NULL;
    int rc, got = 0, counted = 0;

    memset(out, 0, sizeof *out);
    *n = 0;
    if (offset < 0)
        offset = 0;
    /* the friends' rating comes with the reviews' read of the friends' reviews */
    rc = viewer ? dynamo_rest_view_read(s, rid, viewer, &out->rest, &out->saved, &out->mine, NULL,
                                        NULL, &found)
                : visitor_context(d, rid, &out->rest, &found);
    if (rc)
        return rc;
    if (max <= 0) { /* no reviews asked: the friends' rating on its own */
        if (viewer && (rc = dynamo_friends_rating_from(d, viewer, rid, found, &out->friends_count,
                                                       &out->friends_avg)))
            goto out;
        rc = s->ops->rest_star_counts(s, rid, out->stars);
        goto out;
    }
    /* the friends-first order is made from the whole list: read up to the page's end */
    if (!(all = calloc((size_t)offset + (size_t)max, sizeof *all))) {
        rc = FC_ERR;
        goto out;
    }
    if ((rc = dynamo_reviews_of_restaurant_in(d, rid, viewer, found, all, offset + max, &got,
                                              out->stars, &counted, &out->friends_count,
                                              &out->friends_avg)))
        goto out;
    if (got > offset) {
        *n = got - offset;
        memcpy(rows, all + offset, (size_t)*n * sizeof *rows); /* their texts move to rows */
    }
    fc_review_rows_clear(all, got < offset ? got : offset); /* the earlier pages' texts */
    /* a restaurant whose index was read by key (many reviews, a few friends): its own Query */
    if (!counted && (rc = s->ops->rest_star_counts(s, rid, out->stars))) {
        fc_review_rows_clear(rows, *n);
        *n = 0;
    }
out:
    free(all);
    json_object_put(found);
    if (rc) { /* nothing to free on failure */
        fc_rest_page_clear(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
