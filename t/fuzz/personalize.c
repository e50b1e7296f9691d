/* Fuzz harness: Amazon Personalize's GetRecommendations answer (JSON) as rec/personalize.c
 * reads it, through an injected transport (the input is the answer, see fuzz.h). */
#include "core/util.h"
#include "fuzz.h"
#include "rec/personalize.h"
#include "store/store.h"

static struct fc_personalize *p;
static struct fuzz_answers answers;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct aws_client_hooks h = {
        .transport = fuzz_transport, .sleep = fuzz_no_sleep, .now = fuzz_clock, .ctx = &answers};
    HDF *cfg = NULL;
    (void)argc;
    (void)argv;
    fuzz_aws_env();
    if (hdf_init(&cfg) || hdf_set_value(cfg, "Rec.Backend", "personalize") ||
        hdf_set_value(cfg, "Rec.Personalize.CampaignArn",
                      "arn:aws:personalize:us-east-1:123456789012:campaign/fuzz") ||
        hdf_set_value(cfg, "Rec.Personalize.BreakerFailures", "0") ||
        hdf_set_value(cfg, "Rec.Personalize.Context", "1"))
        abort();
    if (fc_personalize_open(cfg, &p) != FC_OK)
        abort();
    fc_personalize_set_hooks(p, &h, "AKIDEXAMPLE", "secret/EXAMPLE");
    hdf_destroy(&cfg);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fc_personalize_item it[25];
    struct fc_user u = {.id = 1001, .city = "San Luis Potosi", .price = "low"};
    size_t n = 99;
    char why[256];
    memset(&answers, 0, sizeof answers);
    answers.in.p = (const char *)data;
    answers.in.n = size;
    if (fc_personalize_recommend(p, &u, 25, it, &n, why, sizeof why) == FC_OK) {
        if (n > 25)
            abort();
        for (size_t i = 0; i < n; i++)
            if (it[i].item <= 0)
                abort();
    }
    return 0;
}
