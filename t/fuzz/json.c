/* Fuzz harness: fc_json_parse_strict (core/json.c), the strict RFC 8259 parser of the API's
 * bodies. Input: the JSON text (not NUL-terminated, exact size). A refusal must say why; what
 * is accepted, written out again by json-c, must be accepted again (unless a number became an
 * infinity, which json-c writes as Infinity). */
#include <json-c/json.h>
#include <stdio.h>

#include "core/json.h"
#include "core/util.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that reads past the end are caught */
    char *s = malloc(size ? size : 1), err[256];
    json_object *o = (json_object *)1, *again = NULL;
    int rc;
    if (!s)
        abort();
    memcpy(s, data, size);
    rc = fc_json_parse_strict(s, size, &o, err, sizeof err);
    if (rc != FC_OK) {
        if (o || rc != FC_EINVAL || !err[0] || !memchr(err, '\0', sizeof err))
            abort();
    } else {
        const char *out = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        if (!out)
            abort();
        if (fc_json_parse_strict(out, strlen(out), &again, err, sizeof err) != FC_OK &&
            !strstr(out, "Infinity"))
            abort();
        json_object_put(again);
        json_object_put(o);
    }
    free(s);
    return 0;
}
