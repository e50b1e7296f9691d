/* Fuzz harness: fc_parse_multipart. Input: the Content-Type header value, a newline, then
 * the body (binary). Each part's value must lie in the body. */
#include "core/request.h"
#include "core/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    char *ctype = fuzz_field(&in, '\n', NULL);
    struct fc_params p = {0};
    /* an exact-size copy, so that reads past the end are caught */
    char *body = malloc(in.n ? in.n : 1);
    if (!body)
        abort();
    memcpy(body, in.p, in.n);
    if (fc_parse_multipart(&p, ctype, body, in.n, 50) == FC_OK)
        for (size_t i = 0; i < p.n; i++)
            if (p.v[i].len > in.n || p.v[i].value[p.v[i].len] != '\0')
                abort();
    fc_params_free(&p);
    free(body);
    free(ctype);
    return 0;
}
