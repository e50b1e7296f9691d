/* worker/ec2_follow: the "ec2.follow" job (follow an instance to running with its public IP,
 * stopped or terminated, recording its state history in the store) and the helpers the admin
 * pages use to start it and to record what they see. */
#ifndef FC_WORKER_EC2_FOLLOW_H
#define FC_WORKER_EC2_FOLLOW_H

#include <ClearSilver.h>

#include "aws/ec2.h"
#include "store/store.h"

#define FC_EC2_FOLLOW_JOB "ec2.follow"

/* Queues the job following instance id to target ("running", "stopped", "terminated");
 * after_launch: InvalidInstanceID.NotFound at first means "not visible yet". dedupe_key as in
 * fc_job_enqueue (FC_EXISTS: already queued once). Its first poll is in about
 * EC2.Wait.FirstMs. Also marks the stored instance as being followed. */
int fc_ec2_follow_enqueue(HDF *cfg, struct fc_store *s, const char *id, const char *target,
                          int after_launch, const char *dedupe_key, int64_t *job_id);

/* Copies what EC2 reported about an instance into a stored record (status and message kept). */
void fc_ec2_instance_to_store(const struct fc_ec2_instance *in, struct fc_instance *out);

/* Records a fresh DescribeInstances answer for an instance the store knows: the record is
 * updated and a history line added when the state (or public IP) changed. FC_NOTFOUND when
 * the store does not know the instance (nothing recorded). */
int fc_ec2_observe(struct fc_store *s, const struct fc_ec2_instance *in, int64_t now_ms);

/* Adds one history line. */
int fc_ec2_history_add(struct fc_store *s, const char *id, const char *state, const char *detail,
                       int64_t at_ms);

#endif
