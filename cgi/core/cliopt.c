/* cliopt: options on either side of a subcommand (restic, git and the AWS CLI accept both). */
#include "core/cliopt.h"
#include "core/util.h"

#include <string.h>

static int takes_value(const char *a, const char *const *valued)
{
    for (; valued && *valued; valued++)
        if (strcmp(a, *valued) == 0)
            return 1;
    return 0;
}

int fc_cliopt_hoist(int argc, char **argv, const char *const *valued)
{
    int at = 0;

    for (int i = 1; i < argc && !at; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || a[1] == '\0')
            at = i;
        else if (takes_value(a, valued))
            i++; /* its value, whatever it looks like */
    }
    if (at > 1) {
        char *cmd = argv[at];
        memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof *argv);
        argv[1] = cmd;
    }
    return at;
}

int fc_cliopt_long(int argc, char **argv, int *i, const char *name, long min, long max, long *out)
{
    if (strcmp(argv[*i], name) != 0 || *i + 1 >= argc ||
        fc_parse_int(argv[*i + 1], min, max, out) != FC_OK)
        return 0;
    ++*i;
    return 1;
}
