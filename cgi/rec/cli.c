/* rec/cli: `forkcast rec ...` subcommands (evaluation, top-N from files, benchmark). */
#include <stdio.h>

int fc_rec_cli(int argc, char **argv);

int fc_rec_cli(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "forkcast: rec: not built yet\n");
    return 2;
}
