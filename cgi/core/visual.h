/* core/visual: generated pictures, as SVG documents: a restaurant's tile (colours from its
 * cuisine and name, its initials, its first cuisine) for places without photos, and a person's
 * initials avatar. Deterministic (the same input, the same bytes: cacheable by ETag) and every
 * text in them XML-escaped. */
#ifndef FC_VISUAL_H
#define FC_VISUAL_H

#include <stddef.h>

#include <ClearSilver.h>

/* Up to two initials of name (the first letter or digit of its first two words; a whole UTF-8
 * character each, ASCII upper-cased) into out (at least 16 bytes); "?" when there is none. */
void fc_visual_initials(const char *name, char *out, size_t n);
/* A hue, 0-359, from text (FNV-1a): the same text, the same colour. */
unsigned fc_visual_hue(const char *text);
/* Appends s to out with & < > " ' escaped for XML text and attributes; invalid UTF-8 and
 * control characters become U+FFFD. */
void fc_visual_xml_escape(STRING *out, const char *s);
/* A restaurant's tile (a square SVG document, titled with its name). cuisines is the
 * comma-separated list: the first one is shown and colours the tile with the name. */
int fc_visual_tile_svg(STRING *out, const char *name, const char *cuisines);
/* A person's initials avatar (a round SVG document, titled with the name). */
int fc_visual_avatar_svg(STRING *out, const char *name);

#endif
