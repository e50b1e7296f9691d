/* worker/registry: the built-in job handlers, by type. To add one, declare its struct
 * fc_job_type (see worker/jobs.h) and list it here. */
#include "worker/jobs.h"

#include <stddef.h>

extern const struct fc_job_type fc_ec2_follow_job;                    /* worker/ec2_follow.c */
extern const struct fc_job_type fc_personalize_put_events_job;        /* rec/personalize.c */
extern const struct fc_job_type fc_backup_job, fc_backup_restore_job; /* backup/job.c */
extern const struct fc_job_type fc_rec_snapshot_job;                  /* rec/snapshot.c */

const struct fc_job_type *const fc_job_builtin[] = {
    &fc_ec2_follow_job,     &fc_personalize_put_events_job, &fc_backup_job,
    &fc_backup_restore_job, &fc_rec_snapshot_job,           NULL,
};
