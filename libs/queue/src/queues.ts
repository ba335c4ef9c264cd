import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import IORedis, { type Redis } from 'ioredis';
import { JobSchemas, QueueJobs, type JobName, type JobPayload, type QueueName } from '@parley/contracts';
import { currentLogFields, tracingEnabled, withLogContext } from '@parley/observability';

export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type JobsOf<Q extends QueueName> = (typeof QueueJobs)[Q][number];

export type JobHandler<J extends JobName> = (payload: JobPayload<J>, job: Job) => Promise<unknown>;

export type JobHandlers<Q extends QueueName> = { [J in JobsOf<Q>]: JobHandler<J> };

export interface AddJobOptions {
  /** Deterministic id: adding the same id again while the job is stored is a no-op. */
  jobId: string;
  delayMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface WorkOptions {
  concurrency: number;
  /** Runs around every job, e.g. to open a log context. */
  around?: <T>(job: Job, work: () => Promise<T>) => Promise<T>;
  /** A job whose worker died is taken over by another worker after this long. */
  stalledIntervalMs?: number;
}

/**
 * Job data field that carries the producer's correlation id to the worker's log lines. Payload schemas strip it, so
 * handlers never see it.
 */
const CORRELATION_FIELD = 'correlationId';

/** Completed jobs stay long enough for their ids to dedupe redelivered events. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/**
 * BullMQ queues and workers of one deployment namespace. Job ids are deterministic so producers are idempotent;
 * payloads are typed by job name; a worker refuses to start unless it handles every job of its queue.
 */
export class JobQueues {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly extraConnections: Redis[] = [];
  /**
   * BullMQ's own OpenTelemetry hooks (producer span on add, consumer span around each job, the context carried in the
   * job's options), only while this process exports traces.
   */
  private readonly telemetry = tracingEnabled() ? new BullMQOtel({ tracerName: 'parley-queue' }) : undefined;

  constructor(
    redisUrl: string,
    private readonly namespace: string,
    private readonly logger: QueueLogger,
  ) {
    // BullMQ workers block on Redis; they need unlimited retries per request.
    this.connection = new IORedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
    this.connection.on('error', (err) => this.logger.warn({ err: err.message }, 'redis connection error'));
  }

  get redis(): Redis {
    return this.connection;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.namespace, telemetry: this.telemetry });
      queue.on('error', (err) => this.logger.warn({ err: err.message, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<Q extends QueueName, J extends JobsOf<Q>>(
    queueName: Q,
    jobName: J,
    payload: JobPayload<J>,
    options: AddJobOptions,
  ): Promise<void> {
    const jobOptions: JobsOptions = {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    };
    const { correlationId } = currentLogFields();
    await this.queue(queueName).add(jobName, correlationId ? { ...payload, [CORRELATION_FIELD]: correlationId } : payload, jobOptions);
  }

  /** Removes a waiting or delayed job (a disarmed timer); a job already running is left to finish. */
  async remove(queueName: QueueName, jobId: string): Promise<void> {
    const job = await this.queue(queueName).getJob(jobId);
    if (!job) return;
    await job.remove().catch((err: Error) => this.logger.warn({ err: err.message, jobId }, 'job not removed'));
  }

  work<Q extends QueueName>(queueName: Q, handlers: JobHandlers<Q>, options: WorkOptions): Worker {
    const byName = handlers as unknown as Record<string, JobHandler<JobName>>;
    for (const jobName of QueueJobs[queueName]) {
      if (typeof byName[jobName] !== 'function') throw new Error(`Queue ${queueName} has no handler for job ${jobName}`);
    }
    const around = options.around ?? ((_job, work) => work());
    const correlated = <T>(job: Job, work: () => Promise<T>): Promise<T> => {
      const correlationId = (job.data as Record<string, unknown> | undefined)?.[CORRELATION_FIELD];
      return typeof correlationId === 'string' ? withLogContext({ correlationId }, () => around(job, work)) : around(job, work);
    };
    const workerConnection = this.connection.duplicate();
    this.extraConnections.push(workerConnection);
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        const handler = byName[job.name];
        if (!handler) {
          // A job from a newer producer version: leave it failed and visible rather than crash.
          this.logger.warn({ queue: queueName, job: job.name, jobId: job.id }, 'no handler for job; skipped');
          throw new Error(`No handler for job ${job.name}`);
        }
        const payload = JobSchemas[job.name as JobName].safeParse(job.data);
        if (!payload.success) {
          // Retrying cannot fix it: fail it at once, kept in the failed set (the queue's dead letters) for operators.
          this.logger.error({ queue: queueName, job: job.name, jobId: job.id, issues: payload.error.issues.slice(0, 5) }, 'malformed job payload; dead-lettered');
          throw new UnrecoverableError(`Malformed ${job.name} payload`);
        }
        return correlated(job, () => handler(payload.data as never, job));
      },
      {
        connection: workerConnection,
        prefix: this.namespace,
        concurrency: options.concurrency,
        // A dead worker's lock expires after lockDuration and the stalled check hands its job to another worker.
        lockDuration: options.stalledIntervalMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        telemetry: this.telemetry,
      },
    );
    worker.on('failed', (job, err) =>
      this.logger.warn({ queue: queueName, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => this.logger.warn({ queue: queueName, err: err.message }, 'worker error'));
    this.workers.push(worker);
    return worker;
  }

  async ping(): Promise<boolean> {
    return (await this.connection.ping()) === 'PONG';
  }

  /** Lets running jobs finish (workers stop taking new ones), then closes the connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const redis of [...this.extraConnections, this.connection]) await redis.quit().catch(() => redis.disconnect());
  }
}
