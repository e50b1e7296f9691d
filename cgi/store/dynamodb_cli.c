/* forkcast dynamodb: create tables, copy a store to and from DynamoDB. */
#include <stdio.h>

#include <ClearSilver.h>

int fc_dynamodb_cli(HDF *cfg, int argc, char **argv);

int fc_dynamodb_cli(HDF *cfg, int argc, char **argv)
{
    (void)cfg;
    (void)argc;
    (void)argv;
    fprintf(stderr, "forkcast: dynamodb: not built yet\n");
    return 2;
}
