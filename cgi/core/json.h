/* json: strict RFC 8259 parsing of untrusted JSON text (every JSON API request body). */
#ifndef FC_JSON_H
#define FC_JSON_H

#include <stddef.h>

struct json_object;

/* Objects and arrays nest at most this deep. */
#define FC_JSON_MAX_DEPTH 32

/* Parses s (len bytes) as exactly one JSON value as RFC 8259 defines it, with whitespace
 * around it allowed, into *out (a new json-c value: the caller puts it; JSON null is NULL). Refuses
 * what json-c alone accepts or silently changes: single quotes, NaN and Infinity, numbers such as
 * 01, -01 or 1., comments, raw control characters in strings, bytes that are not UTF-8 (overlong
 * forms and encoded surrogates included), a \u escape that is half of a surrogate pair, \u0000 in a
 * member name, a member name twice in one object (compared after unescaping, at any depth),
 * nesting deeper than FC_JSON_MAX_DEPTH, and anything after the value. Returns FC_OK;
 * FC_EINVAL with why in err (a phrase such as "a single quote at offset 1", offsets from 0);
 * FC_ERR when out of memory. *out is NULL unless FC_OK. Takes no json-c reference: s is only
 * read, and *out is new (the caller's to put). */
int fc_json_parse_strict(const char *s, size_t len, struct json_object **out, char *err,
                         size_t errsize);

#endif
