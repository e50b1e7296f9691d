/* core/visual: generated pictures as SVG documents (restaurant tiles, initials avatars). */
#include "core/visual.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

/* The length of the UTF-8 character at s (1-4), or 0 when it is not one. */
static int utf8_char(const unsigned char *s)
{
    int n;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0)
        n = 2;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4;
    else
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return fc_utf8_valid((const char *)s, (size_t)n) ? n : 0;
}

static int is_letter(const unsigned char *s)
{
    return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
           (s[0] >= '0' && s[0] <= '9') || (s[0] >= 0x80 && utf8_char(s) > 1);
}

void fc_visual_initials(const char *name, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)(name ? name : "");
    size_t len = 0;
    int words = 0;

    if (n < 16) {
        if (n)
            out[0] = '\0';
        return;
    }
    while (*p && words < 2) {
        int cl;
        while (*p && !is_letter(p)) /* to the next word's first letter */
            p += (cl = utf8_char(p)) ? cl : 1;
        if (!*p)
            break;
        cl = utf8_char(p);
        memcpy(out + len, p, (size_t)cl);
        if (cl == 1 && out[len] >= 'a' && out[len] <= 'z')
            out[len] = (char)(out[len] - 'a' + 'A');
        len += (size_t)cl;
        words++;
        /* past the word; "d'Ana" and "Jean-Luc" are one word */
        while (*p && (is_letter(p) || ((*p == '\'' || *p == '-') && is_letter(p + 1))))
            p += (cl = utf8_char(p)) ? cl : 1;
    }
    if (!len)
        out[len++] = '?';
    out[len] = '\0';
}

unsigned fc_visual_hue(const char *text)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h % 360;
}

void fc_visual_xml_escape(STRING *out, const char *s)
{
    static const char *const entity[128] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
    };
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        int cl = utf8_char(p);
        if (!cl || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
            string_append(out, "\xef\xbf\xbd"); /* U+FFFD */
            p += cl ? cl : 1;
            continue;
        }
        if (*p < 0x80 && entity[*p])
            string_append(out, entity[*p]);
        else
            string_appendn(out, (const char *)p, cl);
        p += cl;
    }
}

/* The first item of a comma-separated list, trimmed, into out. */
static void first_item(const char *csv, char *out, size_t n)
{
    const char *p = csv ? csv : "";
    size_t len;
    while (*p == ' ')
        p++;
    len = strcspn(p, ",");
    while (len && p[len - 1] == ' ')
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

int fc_visual_tile_svg(STRING *out, const char *name, const char *cuisines)
{
    char initials[16], cuisine[128], seed[512];
    unsigned hue, hue2;

    fc_visual_initials(name, initials, sizeof initials);
    first_item(cuisines, cuisine, sizeof cuisine);
    /* the cuisine sets the colour family, the name the shade within it: places of one cuisine
     * look related, two places side by side still differ */
    hue = cuisine[0] ? fc_visual_hue(cuisine) : fc_visual_hue(name);
    snprintf(seed, sizeof seed, "%s|%s", cuisine, name ? name : "");
    hue2 = (hue + 20 + fc_visual_hue(seed) % 40) % 360;
    string_appendf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 120\" "
                        "width=\"120\" height=\"120\" role=\"img\" aria-label=\"");
    fc_visual_xml_escape(out, name);
    string_append(out, "\"><title>");
    fc_visual_xml_escape(out, name);
    string_appendf(out,
                   "</title><defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">"
                   "<stop offset=\"0\" stop-color=\"hsl(%u,55%%,36%%)\"/>"
                   "<stop offset=\"1\" stop-color=\"hsl(%u,60%%,26%%)\"/></linearGradient></defs>"
                   "<rect width=\"120\" height=\"120\" fill=\"url(#g)\"/>"
                   "<circle cx=\"96\" cy=\"22\" r=\"40\" fill=\"#fff\" fill-opacity=\".08\"/>"
                   "<text x=\"60\" y=\"%s\" text-anchor=\"middle\" font-family=\"system-ui,"
                   "sans-serif\" font-size=\"44\" font-weight=\"700\" fill=\"#fff\">",
                   hue, hue2, cuisine[0] ? "66" : "75");
    fc_visual_xml_escape(out, initials);
    string_append(out, "</text>");
    if (cuisine[0]) {
        string_append(out, "<text x=\"60\" y=\"98\" text-anchor=\"middle\" "
                           "font-family=\"system-ui,sans-serif\" font-size=\"13\" "
                           "fill=\"#fff\" fill-opacity=\".9\"");
        /* long names are squeezed into the tile rather than cut */
        if (fc_utf8_len(cuisine) > 14)
            string_append(out, " textLength=\"104\" lengthAdjust=\"spacingAndGlyphs\"");
        string_append(out, ">");
        fc_visual_xml_escape(out, cuisine);
        string_append(out, "</text>");
    }
    string_append(out, "</svg>\n");
    return FC_OK;
}

int fc_visual_avatar_svg(STRING *out, const char *name)
{
    char initials[16];
    unsigned hue = fc_visual_hue(name);
    fc_visual_initials(name, initials, sizeof initials);
    string_append(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" "
                       "width=\"64\" height=\"64\" role=\"img\" aria-label=\"");
    fc_visual_xml_escape(out, name);
    string_append(out, "\"><title>");
    fc_visual_xml_escape(out, name);
    string_appendf(out,
                   "</title><circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"hsl(%u,45%%,34%%)\"/>"
                   "<text x=\"32\" y=\"41\" text-anchor=\"middle\" font-family=\"system-ui,"
                   "sans-serif\" font-size=\"26\" font-weight=\"600\" fill=\"#fff\">",
                   hue);
    fc_visual_xml_escape(out, initials);
    string_append(out, "</text></svg>\n");
    return FC_OK;
}
