/* backup/progress: the terminal progress bar and the JSON status file. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

extern int backup_bar_visible;

void backup_progress_init(struct backup_progress *p, const struct backup_opts *o, const char *phase)
{
    memset(p, 0, sizeof(*p));
    p->phase = phase;
    p->started = backup_now();
    p->tty = o->progress;
    fc_strlcpy(p->status_file, o->status_file, sizeof p->status_file);
}

static void write_status(struct backup_progress *p, const char *state, const char *message)
{
    char tmp[PATH_MAX + 16];
    double el = backup_now() - p->started;
    json_object *o;
    FILE *f;

    if (!p->status_file[0])
        return;
    o = json_object_new_object();
    json_object_object_add(o, "state", json_object_new_string(state));
    json_object_object_add(o, "phase", json_object_new_string(p->phase ? p->phase : ""));
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(o, "files_done", json_object_new_int64((int64_t)p->files_done));
    json_object_object_add(o, "files_total", json_object_new_int64((int64_t)p->files_total));
    json_object_object_add(o, "bytes_done", json_object_new_int64((int64_t)p->bytes_done));
    json_object_object_add(o, "bytes_total", json_object_new_int64((int64_t)p->bytes_total));
    json_object_object_add(o, "bytes_sent", json_object_new_int64((int64_t)p->bytes_sent));
    json_object_object_add(o, "seconds", json_object_new_double(el));
    json_object_object_add(o, "snapshot", json_object_new_string(p->snapshot));
    json_object_object_add(o, "message", json_object_new_string(message ? message : ""));
    json_object_object_add(o, "updated", json_object_new_int64(fc_now()));
    snprintf(tmp, sizeof tmp, "%s.tmp", p->status_file);
    f = fopen(tmp, "w");
    if (f) {
        fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
        fputc('\n', f);
        if (fclose(f) == 0)
            rename(tmp, p->status_file);
        else
            unlink(tmp);
    }
    json_object_put(o);
}

static void draw(struct backup_progress *p)
{
    char done[32], total[32], rate[32], eta[32] = "--:--";
    double el = backup_now() - p->started, r = el > 0 ? (double)p->bytes_done / el : 0;
    double frac = p->bytes_total   ? (double)p->bytes_done / (double)p->bytes_total
                  : p->files_total ? (double)p->files_done / (double)p->files_total
                                   : 0;
    int width = 24, fill;
    char bar[32];

    if (frac > 1)
        frac = 1;
    fill = (int)(frac * width);
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[width] = '\0';
    if (r > 0 && p->bytes_total > p->bytes_done) {
        long s = (long)((double)(p->bytes_total - p->bytes_done) / r);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    backup_human_bytes(p->bytes_done, done, sizeof done);
    backup_human_bytes(p->bytes_total, total, sizeof total);
    backup_human_bytes((uint64_t)r, rate, sizeof rate);
    fprintf(stderr, "\r\033[K%s [%s] %llu/%llu files  %s/%s  %s/s  ETA %s", p->phase, bar,
            (unsigned long long)p->files_done, (unsigned long long)p->files_total, done, total,
            rate, eta);
    fflush(stderr);
    backup_bar_visible = 1;
}

void backup_progress_tick(void *arg)
{
    struct backup_progress *p = arg;
    double now = backup_now();

    if (now - p->last_draw < 0.2)
        return;
    p->last_draw = now;
    if (p->x) {
        struct backup_xfer_stats st;
        backup_xfer_get_stats(p->x, &st);
        p->bytes_sent = st.bytes_up;
    }
    if (p->tty)
        draw(p);
    write_status(p, "running", NULL);
}

void backup_progress_end(struct backup_progress *p, const char *state, const char *message)
{
    if (p->tty && backup_bar_visible) {
        p->last_draw = 0;
        draw(p);
        fputc('\n', stderr);
        backup_bar_visible = 0;
    }
    write_status(p, state, message);
}
