/* Fuzz harness: fc_parse_cookies on one Cookie header (the input, up to its first NUL). */
#include "core/request.h"
#include "core/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fc_params p = {0};
    char *h = malloc(size + 1);
    if (!h)
        abort();
    memcpy(h, data, size);
    h[size] = '\0';
    if (fc_parse_cookies(&p, h, 50) == FC_OK)
        for (size_t i = 0; i < p.n; i++)
            if (strlen(p.v[i].value) > p.v[i].len || p.v[i].len > size)
                abort();
    fc_params_free(&p);
    free(h);
    return 0;
}
