/* backup/util: settings, a string-keyed hash map, sizes, base64 and messages. */
#include "backup/backup.h"
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- settings ---------------------------------------------------------------- */

/* A path setting: the configuration's (or FORKCAST_*) value, relative to Root; else under
 * Data.Dir; else def_abs. */
static int path_setting(HDF *cfg, const char *key, const char *under, char *out, size_t n)
{
    const char *v = aws_config_str(cfg, key, "");
    char dir[PATH_MAX];
    int r;

    if (v && *v) {
        if (v[0] == '/')
            r = snprintf(out, n, "%s", v);
        else
            r = snprintf(out, n, "%s/%s", hdf_get_value(cfg, "Root", "."), v);
        return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
    }
    if (!under) {
        out[0] = '\0';
        return FC_OK;
    }
    if (fc_config_path(cfg, "Data.Dir", "var", dir, sizeof dir))
        return FC_ERR;
    r = snprintf(out, n, "%s/%s", dir, under);
    return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
}

static void trim_slashes(char *s)
{
    size_t n, i = 0;

    while (s[i] == '/')
        i++;
    memmove(s, s + i, strlen(s + i) + 1);
    n = strlen(s);
    while (n && s[n - 1] == '/')
        s[--n] = '\0';
}

int backup_opts_load(HDF *cfg, struct backup_opts *o)
{
    uint64_t v;
    const char *s;

    memset(o, 0, sizeof(*o));
    fc_strlcpy(o->bucket, aws_config_str(cfg, "Backup.Bucket", ""), sizeof o->bucket);
    fc_strlcpy(o->prefix, aws_config_str(cfg, "Backup.Prefix", BACKUP_DEFAULT_PREFIX),
               sizeof o->prefix);
    trim_slashes(o->prefix);
    o->concurrency = aws_config_int(cfg, "Backup.Concurrency", BACKUP_DEFAULT_CONCURRENCY);
    if (o->concurrency < 1)
        o->concurrency = 1;
    if (o->concurrency > 256)
        o->concurrency = 256;
    o->threshold = BACKUP_DEFAULT_THRESHOLD;
    s = aws_config_str(cfg, "Backup.MultipartThreshold", "");
    if (s && *s && !backup_parse_size(s, &v))
        o->threshold = v;
    o->part_size = BACKUP_DEFAULT_PART_SIZE;
    s = aws_config_str(cfg, "Backup.PartSize", "");
    if (s && *s && !backup_parse_size(s, &v))
        o->part_size = v;
    o->grace = aws_config_int(cfg, "Backup.PruneGrace", 3600);
    if (path_setting(cfg, "Backup.KeyFile", NULL, o->key_file, sizeof o->key_file) ||
        path_setting(cfg, "Backup.CacheDir", "backup-cache", o->cache_dir, sizeof o->cache_dir) ||
        path_setting(cfg, "Backup.StatusFile", NULL, o->status_file, sizeof o->status_file) ||
        fc_config_path(cfg, "Data.Dir", "var", o->data_dir, sizeof o->data_dir) ||
        fc_config_data_path(cfg, "Store.SQLite.Path", "forkcast.db", o->db_path, sizeof o->db_path))
        return FC_ERR;
    o->key_env = getenv("FORKCAST_BACKUP_KEY") && *getenv("FORKCAST_BACKUP_KEY");
    o->progress = isatty(2);
    return FC_OK;
}

int backup_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "KMGT"; /* 1024^1 .. 1024^4 */
    char *end;
    const char *unit;
    unsigned long long v;
    uint64_t mul = 1;

    if (!s || !isdigit((unsigned char)*s))
        return -1;
    v = strtoull(s, &end, 10);
    if (*end && (unit = strchr(units, toupper((unsigned char)*end)))) {
        mul = 1ull << (10 * (size_t)(unit - units + 1));
        end++;
    }
    if (mul > 1 && (!strcmp(end, "iB") || !strcmp(end, "B")))
        end += strlen(end);
    if (mul == 1 && !strcmp(end, "B"))
        end++;
    if (*end || (mul > 1 && v > UINT64_MAX / mul))
        return -1;
    *out = (uint64_t)v * mul;
    return 0;
}

const char *backup_human_bytes(uint64_t n, char *buf, size_t len)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    size_t u = 0;

    while (v >= 1024 && u + 1 < FC_ARRAY_LEN(units)) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

void backup_base64(const unsigned char *in, size_t n, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63];
        out[o++] = tbl[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
        out[o++] = tbl[v >> 18];
        out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
}

double backup_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Set by progress.c while a bar is on screen, so messages start on a clean line. */
int backup_bar_visible;

void backup_msg(const char *fmt, ...)
{
    va_list ap;

    if (backup_bar_visible) {
        fputs("\r\033[K", stderr);
        backup_bar_visible = 0;
    }
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int backup_mkdirs(const char *path, mode_t mode)
{
    char tmp[PATH_MAX];

    if (fc_strlcpy(tmp, path, sizeof tmp) >= sizeof tmp)
        return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, mode) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, mode) && errno != EEXIST ? -1 : 0;
}

void backup_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- hash map (open addressing, FNV-1a) --------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static struct backup_map_item *slot(const struct backup_map *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);

    while (m->v[i].key && strcmp(m->v[i].key, key))
        i = (i + 1) & (m->cap - 1);
    return &m->v[i];
}

void *backup_map_get(const struct backup_map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    return slot(m, key)->val;
}

int backup_map_has(const struct backup_map *m, const char *key)
{
    return m->cap && slot(m, key)->key != NULL;
}

static int grow(struct backup_map *m)
{
    struct backup_map old = *m;
    size_t cap = m->cap ? m->cap * 2 : 64;

    m->v = calloc(cap, sizeof(*m->v));
    if (!m->v) {
        *m = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.v[i].key)
            *slot(m, old.v[i].key) = old.v[i];
    free(old.v);
    return 0;
}

int backup_map_put(struct backup_map *m, const char *key, void *val, void **old)
{
    struct backup_map_item *it;

    if (old)
        *old = NULL;
    if ((m->n + 1) * 4 >= m->cap * 3 && grow(m))
        return -1;
    it = slot(m, key);
    if (it->key) {
        if (old)
            *old = it->val;
        it->val = val;
        return 0;
    }
    it->key = strdup(key);
    if (!it->key)
        return -1;
    it->val = val;
    m->n++;
    return 0;
}

void *backup_map_del(struct backup_map *m, const char *key)
{
    struct backup_map_item *it;
    void *val;
    size_t i, j;

    if (!m->cap)
        return NULL;
    it = slot(m, key);
    if (!it->key)
        return NULL;
    val = it->val;
    free(it->key);
    it->key = NULL;
    it->val = NULL;
    m->n--;
    /* Re-insert the rest of the cluster (backward-shift deletion). */
    i = (size_t)(it - m->v);
    for (j = (i + 1) & (m->cap - 1); m->v[j].key; j = (j + 1) & (m->cap - 1)) {
        struct backup_map_item tmp = m->v[j];
        m->v[j].key = NULL;
        m->v[j].val = NULL;
        *slot(m, tmp.key) = tmp;
    }
    return val;
}

void backup_map_free(struct backup_map *m, void (*free_val)(void *))
{
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->v[i].key)
            continue;
        free(m->v[i].key);
        if (free_val)
            free_val(m->v[i].val);
    }
    free(m->v);
    memset(m, 0, sizeof(*m));
}
