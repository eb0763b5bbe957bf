/* libFuzzer target: the job-file word splitter of `spill run`. */
#include <stddef.h>
#include <stdint.h>

#include "sp_job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_jobs *jobs = NULL;
    if (sp_job_parse((const char *)data, size, "fuzz", &jobs) == 0)
        sp_job_free(jobs);
    return 0;
}
