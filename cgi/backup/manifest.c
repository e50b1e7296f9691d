/* backup/manifest: snapshot manifests as gzip'ed JSON, sealed when encrypted. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <zlib.h>

#define FORMAT       "forkcast-backup-snapshot"
#define MAX_MANIFEST (1u << 30)

struct backup_entry *backup_manifest_add(struct backup_manifest *m)
{
    if (fc_grow(&m->e, &m->cap, m->n + 1, sizeof *m->e, 256))
        return NULL;
    memset(&m->e[m->n], 0, sizeof(m->e[0]));
    return &m->e[m->n++];
}

void backup_manifest_free(struct backup_manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].path);
        free(m->e[i].target);
        free(m->e[i].src);
    }
    free(m->e);
    backup_strv_free(m->roots, m->n_roots);
    memset(m, 0, sizeof(*m));
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct backup_entry *)a)->path, ((const struct backup_entry *)b)->path);
}

void backup_manifest_sort(struct backup_manifest *m)
{
    if (m->n > 1)
        qsort(m->e, m->n, sizeof(m->e[0]), by_path);
}

static const char *type_name(char t)
{
    return t == BACKUP_DIR ? "dir" : t == BACKUP_LINK ? "symlink" : "file";
}

static json_object *summary_obj(const struct backup_manifest *m)
{
    json_object *o = json_object_new_object(), *roots = json_object_new_array();

    json_object_object_add(o, "format", json_object_new_string(FORMAT));
    json_object_object_add(o, "version", json_object_new_int(1));
    json_object_object_add(o, "id", json_object_new_string(m->id));
    json_object_object_add(o, "time", json_object_new_int64(m->time));
    json_object_object_add(o, "host", json_object_new_string(m->host));
    for (size_t i = 0; i < m->n_roots; i++)
        json_object_array_add(roots, json_object_new_string(m->roots[i]));
    json_object_object_add(o, "roots", roots);
    json_object_object_add(o, "files", json_object_new_int64((int64_t)m->files));
    json_object_object_add(o, "dirs", json_object_new_int64((int64_t)m->dirs));
    json_object_object_add(o, "bytes", json_object_new_int64((int64_t)m->bytes));
    json_object_object_add(o, "new_files", json_object_new_int64((int64_t)m->new_files));
    json_object_object_add(o, "new_bytes", json_object_new_int64((int64_t)m->new_bytes));
    return o;
}

char *backup_manifest_summary(const struct backup_manifest *m)
{
    json_object *o = summary_obj(m);
    char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

    json_object_put(o);
    return s;
}

static int gzip(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
    z_stream zs;
    size_t cap = deflateBound(NULL, (uLong)n) + 64;
    unsigned char *buf = malloc(cap);

    memset(&zs, 0, sizeof zs);
    if (!buf || deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(buf);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&zs);
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = zs.total_out;
    deflateEnd(&zs);
    return 0;
}

static int gunzip(const unsigned char *in, size_t n, char **out, size_t *outlen)
{
    z_stream zs;
    size_t cap = n * 4 + 4096, len = 0;
    char *buf = malloc(cap);
    int zr;

    memset(&zs, 0, sizeof zs);
    if (!buf || n > 0xffffffffu || inflateInit2(&zs, 15 + 32) != Z_OK) {
        free(buf);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    do {
        if (cap - len < 65536) {
            char *p = cap < MAX_MANIFEST ? realloc(buf, cap * 2) : NULL;
            if (!p) {
                inflateEnd(&zs);
                free(buf);
                return -1;
            }
            buf = p;
            cap *= 2;
        }
        zs.next_out = (Bytef *)buf + len;
        zs.avail_out = (uInt)(cap - len - 1);
        zr = inflate(&zs, Z_NO_FLUSH);
        len = zs.total_out;
    } while (zr == Z_OK);
    inflateEnd(&zs);
    if (zr != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

int backup_manifest_encode(const struct backup_manifest *m, const struct backup_crypto *cr,
                           unsigned char **out, size_t *outlen)
{
    json_object *o = summary_obj(m), *arr = json_object_new_array_ext((int)m->n);
    const char *text;
    unsigned char *gz = NULL;
    size_t gzlen = 0;
    int rc = -1;

    *out = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const struct backup_entry *e = &m->e[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "path", json_object_new_string(e->path));
        json_object_object_add(j, "type", json_object_new_string(type_name(e->type)));
        json_object_object_add(j, "mode", json_object_new_int((int)e->mode));
        json_object_object_add(j, "mtime", json_object_new_int64(e->mtime_ns / 1000000000));
        json_object_object_add(j, "mtime_nsec", json_object_new_int64(e->mtime_ns % 1000000000));
        if (e->type == BACKUP_FILE) {
            json_object_object_add(j, "size", json_object_new_int64((int64_t)e->size));
            json_object_object_add(j, "sha256", json_object_new_string(e->sha));
        } else if (e->type == BACKUP_LINK) {
            json_object_object_add(j, "target", json_object_new_string(e->target ? e->target : ""));
        }
        json_object_array_add(arr, j);
    }
    json_object_object_add(o, "entries", arr);
    text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text || gzip(text, strlen(text), &gz, &gzlen))
        goto out;
    if (cr && cr->on) {
        if (backup_seal(cr, gz, gzlen, out, outlen))
            goto out;
    } else {
        *out = gz;
        *outlen = gzlen;
        gz = NULL;
    }
    rc = 0;
out:
    free(gz);
    json_object_put(o);
    return rc;
}

static int64_t get_i64(json_object *o, const char *k)
{
    json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static const char *get_str(json_object *o, const char *k)
{
    json_object *v;

    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* Accepts only relative paths without "." or ".." segments. */
static int path_ok(const char *p)
{
    const char *s = p;

    if (!*p || *p == '/')
        return 0;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        s += n;
        if (*s == '/')
            s++;
    }
    return 1;
}

static int hex64(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

int backup_manifest_decode(const void *in, size_t n, const struct backup_crypto *cr,
                           struct backup_manifest *m)
{
    unsigned char *plain = NULL;
    size_t plen = 0, tlen = 0;
    char *text = NULL;
    json_object *o = NULL, *arr, *roots;
    const char *s;
    int rc = -1;

    memset(m, 0, sizeof(*m));
    if (cr && cr->on) {
        if (backup_open(cr, in, n, &plain, &plen)) {
            rc = -2;
            goto out;
        }
        in = plain;
        n = plen;
    } else if (n >= 8 && !memcmp(in, "FCBKENC1", 8)) {
        rc = -2; /* sealed, and we have no key */
        goto out;
    }
    if (gunzip(in, n, &text, &tlen))
        goto out;
    o = json_tokener_parse(text);
    if (!o || !(s = get_str(o, "format")) || strcmp(s, FORMAT) ||
        !json_object_object_get_ex(o, "entries", &arr) ||
        !json_object_is_type(arr, json_type_array))
        goto out;
    fc_strlcpy(m->id, get_str(o, "id") ? get_str(o, "id") : "", sizeof m->id);
    fc_strlcpy(m->host, get_str(o, "host") ? get_str(o, "host") : "", sizeof m->host);
    m->time = get_i64(o, "time");
    m->files = (uint64_t)get_i64(o, "files");
    m->dirs = (uint64_t)get_i64(o, "dirs");
    m->bytes = (uint64_t)get_i64(o, "bytes");
    m->new_files = (uint64_t)get_i64(o, "new_files");
    m->new_bytes = (uint64_t)get_i64(o, "new_bytes");
    if (json_object_object_get_ex(o, "roots", &roots) &&
        json_object_is_type(roots, json_type_array)) {
        size_t nr = json_object_array_length(roots);
        m->roots = calloc(nr ? nr : 1, sizeof(char *));
        if (!m->roots)
            goto out;
        for (size_t i = 0; i < nr; i++) {
            const char *r = json_object_get_string(json_object_array_get_idx(roots, i));
            m->roots[m->n_roots++] = strdup(r ? r : "");
        }
    }
    for (size_t i = 0, na = json_object_array_length(arr); i < na; i++) {
        json_object *j = json_object_array_get_idx(arr, i);
        const char *path = get_str(j, "path"), *type = get_str(j, "type");
        struct backup_entry *e;
        int64_t mtime, nsec;
        if (!path || !type || !path_ok(path) || !(e = backup_manifest_add(m)))
            goto out;
        e->path = strdup(path);
        e->type = !strcmp(type, "dir")       ? BACKUP_DIR
                  : !strcmp(type, "symlink") ? BACKUP_LINK
                                             : BACKUP_FILE;
        e->mode = (unsigned)get_i64(j, "mode") & 07777;
        mtime = get_i64(j, "mtime");
        nsec = get_i64(j, "mtime_nsec");
        /* seconds that fit in nanoseconds (years 1685..2255); nsec is negative before 1970 */
        if (mtime < -9000000000LL || mtime > 9000000000LL || nsec <= -1000000000 ||
            nsec >= 1000000000)
            goto out;
        e->mtime_ns = mtime * 1000000000 + nsec;
        e->size = (uint64_t)get_i64(j, "size");
        if (!e->path)
            goto out;
        if (e->type == BACKUP_FILE) {
            s = get_str(j, "sha256");
            if (!s || !hex64(s))
                goto out;
            fc_strlcpy(e->sha, s, sizeof e->sha);
        } else if (e->type == BACKUP_LINK) {
            e->target = strdup(get_str(j, "target") ? get_str(j, "target") : "");
            if (!e->target)
                goto out;
        }
    }
    rc = 0;
out:
    if (rc)
        backup_manifest_free(m);
    json_object_put(o);
    free(text);
    free(plain);
    return rc;
}
