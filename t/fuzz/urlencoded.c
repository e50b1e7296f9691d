/* Fuzz harness: fc_parse_urlencoded (query strings and form bodies) and fc_url_decode. The
 * input is the raw string; each decoded pair must be valid UTF-8 of the length reported. */
#include "core/request.h"
#include "core/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fc_params p = {0};
    char *copy = malloc(size + 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    if (fc_parse_urlencoded(&p, copy, size, 100) == FC_OK) {
        for (size_t i = 0; i < p.n; i++) {
            if (!fc_utf8_valid(p.v[i].value, p.v[i].len) || p.v[i].value[p.v[i].len] != '\0')
                abort();
            if (fc_param_get(&p, p.v[i].name) == NULL)
                abort();
        }
    }
    fc_params_free(&p);
    /* the path decoder (no '+'), in place */
    memcpy(copy, data, size);
    copy[size] = '\0';
    if (fc_url_decode(copy, size, 0) > (long)size)
        abort();
    free(copy);
    return 0;
}
