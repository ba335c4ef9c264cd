import type { JobQueues, JobsOf } from './queues';
import type { JobPayload, QueueName } from '@parley/contracts';

/**
 * Makes sure a job that must exist does: a job that failed for good outside our handlers (stalled too often, its
 * worker killed on the last attempt) is retried; a missing one is added again. Waiting, delayed, running or completed
 * jobs are left alone. Resolves to what it did.
 */
export async function reviveJob<Q extends QueueName, J extends JobsOf<Q>>(
  queues: JobQueues,
  queueName: Q,
  jobName: J,
  payload: JobPayload<J>,
  options: { jobId: string; attempts?: number },
): Promise<'alive' | 'retried' | 'added'> {
  const job = await queues.queue(queueName).getJob(options.jobId);
  if (!job) {
    await queues.add(queueName, jobName, payload, options);
    return 'added';
  }
  if ((await job.getState()) !== 'failed') return 'alive';
  await job.retry('failed');
  return 'retried';
}
