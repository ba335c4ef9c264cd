/** Runs of a pipeline job: S3, database and NATS failures are retried; provider failures are not (see guard). */
export const PIPELINE_JOB_ATTEMPTS = 3;
