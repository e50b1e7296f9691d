/* cliopt: command-line conventions shared by the `forkcast` command families (backup, ec2,
 * dynamodb, personalize, worker, rec): options on either side of the subcommand. */
#ifndef FC_CLIOPT_H
#define FC_CLIOPT_H

/* For argv = {FAMILY, ...}: finds the subcommand, the first argument that is neither an option
 * nor the value of an option listed in valued (a NULL-terminated list such as {"--bucket",
 * "--prefix", NULL}; "--opt=value" needs no entry), and moves it to argv[1], keeping the order
 * of everything else. So `backup --bucket B init` becomes `backup init --bucket B`, which the
 * family parses as before. "--" ends the options: nothing after it is looked at. Returns the
 * subcommand's old index, or 0 when there is none (argv unchanged). */
int fc_cliopt_hoist(int argc, char **argv, const char *const *valued);
/* 1 when argv[*i] is the option name and the argument after it a whole number in [min,max]:
 * then *out is that number and *i the value's index (the caller's loop steps past it); else 0,
 * nothing changed. */
int fc_cliopt_long(int argc, char **argv, int *i, const char *name, long min, long max, long *out);

#endif
