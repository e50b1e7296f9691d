/* store/sqlite_places: the catalog fields of a city's restaurants, with the search's query
 * (cheap on SQLite; DynamoDB keeps the whole catalog for a while: store/dynamodb_catalog.c). */
#include "core/util.h"
#include "store/store.h"

#include <string.h>

int fc_sqlite_rest_places(struct fc_store *s, const char *city, int max, struct fc_restaurant **out,
                          int *n)
{
    struct fc_rest_query q = {.text = "",
                              .cuisine = "",
                              .price = "",
                              .city = city ? city : "",
                              .limit = max,
                              .sort = FC_SORT_NAME};
    int total = 0, rc = s->ops->rest_search(s, &q, out, n, &total);
    for (int i = 0; rc == FC_OK && i < *n; i++) {
        (*out)[i].avg_stars = 0; /* the catalog's fields only, as on DynamoDB */
        (*out)[i].review_count = 0;
    }
    return rc;
}
