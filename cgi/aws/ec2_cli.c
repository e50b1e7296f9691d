/* forkcast ec2: EC2 instances from the command line. */
#include <stdio.h>

#include <ClearSilver.h>

int fc_ec2_cli(HDF *cfg, int argc, char **argv);

int fc_ec2_cli(HDF *cfg, int argc, char **argv)
{
    (void)cfg;
    (void)argc;
    (void)argv;
    fprintf(stderr, "forkcast: ec2: not built yet\n");
    return 2;
}
