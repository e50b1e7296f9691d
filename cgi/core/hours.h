/* core/hours: is a place open at a given time? Opening hours as the demo import writes them
 * ("Mon-Fri 08:00-19:00; Sat 12:00-16:00, 18:00-23:30; Sun 21:00-01:00", docs/demo-data.md),
 * read in the place's local time. Pure functions: no clock, no time-zone database. */
#ifndef FC_HOURS_H
#define FC_HOURS_H

#include <stdint.h>

/* Whether hours say open on weekday wday (0 Sunday .. 6 Saturday, as struct tm) at minute
 * (0..1439) local time: 1 open, 0 closed, -1 unknown (hours empty or none of it readable).
 * A span that ends at or before it starts runs past midnight into the next day
 * ("21:00-01:00"), and "00:00-00:00" is the whole day. A day that no entry names is closed. */
int fc_hours_open_at(const char *hours, int wday, int minute);

/* The UTC offset in minutes of a place's local time (Mexico's central zone: -360), from its
 * state, city or country as the data set spells them ("SLP", "s.l.p.", "San Luis Potosi",
 * "Morelos", "Tamaulipas", "Cuernavaca", "mexico"...); 1 when it is known, 0 when not. The zones
 * and why a fixed offset is right are in the comment at fc_hours_offset in hours.c. */
int fc_hours_offset(const char *state, const char *city, const char *country, int *minutes);

/* fc_hours_open_at at unix time t for a place in the zone fc_hours_offset finds: 1, 0, or -1
 * when the hours or the zone are unknown. */
int fc_hours_open_now(const char *hours, const char *state, const char *city, const char *country,
                      int64_t t);

#endif
