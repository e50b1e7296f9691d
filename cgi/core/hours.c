/* core/hours: is a place open at a given time? (hours.h) */
#include "hours.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* The weekday (0..6) spelled by the three letters at p, or -1. */
static int day_at(const char *p)
{
    for (int d = 0; d < 7; d++)
        if (strncasecmp(p, day_names[d], 3) == 0 && !isalpha((unsigned char)p[3]))
            return d;
    return -1;
}

/* "HH:MM" at *p into minutes from midnight (0..1440), advancing *p; -1 when not one. */
static int clock_at(const char **p)
{
    const char *s = *p;
    int h, m;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return -1;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m))
        return -1;
    *p = s + 5;
    return h * 60 + m;
}

/* Is minute within span [from, to) of a day in mask, or in the part of an overnight span that
 * began the day before? */
static int span_open(unsigned mask, int from, int to, int wday, int minute)
{
    int yesterday = (wday + 6) % 7;
    if (from == to) /* "00:00-00:00": the whole day */
        return (mask >> wday) & 1;
    if (from < to)
        return ((mask >> wday) & 1) && minute >= from && minute < to;
    return (((mask >> wday) & 1) && minute >= from) || (((mask >> yesterday) & 1) && minute < to);
}

/* One entry ("Mon-Fri 08:00-12:00, 16:00-20:00"), len bytes at e: 1 open, 0 closed, -1 not
 * readable. */
static int entry_open(const char *e, size_t len, int wday, int minute)
{
    char buf[256];
    const char *p = buf;
    unsigned mask = 0;
    int open = 0, spans = 0;

    if (len >= sizeof buf)
        return -1;
    memcpy(buf, e, len);
    buf[len] = '\0';
    /* the days: names and ranges, separated by commas or blanks */
    for (;;) {
        int a, b;
        while (*p == ' ' || *p == ',')
            p++;
        if ((a = day_at(p)) < 0)
            break;
        p += 3;
        b = a;
        if (*p == '-' && (b = day_at(p + 1)) >= 0)
            p += 4;
        else if (*p == '-')
            return -1;
        for (int d = a;; d = (d + 1) % 7) {
            mask |= 1u << d;
            if (d == b)
                break;
        }
    }
    if (!mask)
        return -1;
    /* the spans */
    for (;;) {
        int from, to;
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        if ((from = clock_at(&p)) < 0 || *p++ != '-' || (to = clock_at(&p)) < 0)
            return -1;
        if (to == 1440)
            to = 0;
        if (from == 1440)
            return -1;
        spans++;
        open |= span_open(mask, from, to, wday, minute);
    }
    return spans ? open : -1;
}

int fc_hours_open_at(const char *hours, int wday, int minute)
{
    const char *p = hours;
    int known = 0, open = 0;
    if (!hours || wday < 0 || wday > 6 || minute < 0 || minute >= 1440)
        return -1;
    while (*p) {
        size_t len = strcspn(p, ";");
        int r = entry_open(p, len, wday, minute);
        if (r >= 0) {
            known = 1;
            open |= r;
        }
        p += len;
        if (*p == ';')
            p++;
    }
    return known ? open : -1;
}

/* Lower-case letters of s only ("S.L.P." -> "slp", "San Luis Potosí" -> "sanluispotos"). */
static void letters(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; s && *s && k + 1 < n; s++)
        if (isalpha((unsigned char)*s) && !((unsigned char)*s & 0x80))
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = '\0';
}

/*
 * The zones: the data set's places are in three areas of Mexico. San Luis Potosi and Morelos
 * (Cuernavaca, Jiutepec) are America/Mexico_City; Tamaulipas's Ciudad Victoria is
 * America/Monterrey (only the US border strip, America/Matamoros, still changes its clocks).
 * Mexico abolished daylight saving time in October 2022, so all three are UTC-6 the whole year:
 * a fixed offset gives the local time without the system's time-zone database (which would need
 * setenv("TZ") and tzset(), process-wide and not thread-safe), and is a pure function one can
 * test. A place is placed by its state, else by its city (the import takes a missing city from
 * the coordinates), else by its country; anything else is unknown, and "open now" leaves it out.
 */
int fc_hours_offset(const char *state, const char *city, const char *country, int *minutes)
{
    static const char *const central[] = {
        "slp",     "sanluispotos", "morelos",        "tamaulipas", "cuernavaca", "jiutepec",
        "soledad", "victoria",     "ciudadvictoria", "cdvictoria", "mexico",     NULL,
    };
    const char *fields[3] = {state, city, country};
    char l[64];
    for (int f = 0; f < 3; f++) {
        letters(l, sizeof l, fields[f]);
        for (int i = 0; central[i]; i++)
            if (*l && strncmp(l, central[i], strlen(central[i])) == 0) {
                *minutes = -360;
                return 1;
            }
    }
    return 0;
}

int fc_hours_open_now(const char *hours, const char *state, const char *city, const char *country,
                      int64_t t)
{
    int off;
    int64_t local, days, mins;
    if (!fc_hours_offset(state, city, country, &off))
        return -1;
    local = t + (int64_t)off * 60;
    days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    mins = (local - days * 86400) / 60;
    /* 1 January 1970 was a Thursday (4) */
    return fc_hours_open_at(hours, (int)(((days % 7) + 7 + 4) % 7), (int)mins);
}
