import type { Job } from 'bullmq';

/** Which run of a job this is: the last one must settle the work instead of handing it to another retry. */
export interface JobAttempt {
  /** 1 for the first run. */
  number: number;
  last: boolean;
}

export function attemptOf(job: Pick<Job, 'attemptsMade' | 'opts'>): JobAttempt {
  // attemptsMade counts finished runs (failed or completed), so the running one is the next.
  const number = job.attemptsMade + 1;
  return { number, last: number >= (job.opts.attempts ?? 1) };
}
