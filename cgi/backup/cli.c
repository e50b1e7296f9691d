/* forkcast backup: S3 backups (init, run, list, restore, verify, prune). */
#include <stdio.h>

#include <ClearSilver.h>

int fc_backup_cli(HDF *cfg, int argc, char **argv);

int fc_backup_cli(HDF *cfg, int argc, char **argv)
{
    (void)cfg;
    (void)argc;
    (void)argv;
    fprintf(stderr, "forkcast: backup: not built yet\n");
    return 2;
}
