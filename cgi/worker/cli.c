/* forkcast worker: the background job runner. */
#include <stdio.h>

#include <ClearSilver.h>

int fc_worker_cli(HDF *cfg, int argc, char **argv);

int fc_worker_cli(HDF *cfg, int argc, char **argv)
{
    (void)cfg;
    (void)argc;
    (void)argv;
    fprintf(stderr, "forkcast: worker: not built yet\n");
    return 2;
}
