import { traceparentOf, type Bus, type MessageContext } from '@parley/bus';
import {
  EventSchemas,
  type EventName,
  type EventPayload,
  type JobName,
  type JobPayload,
  type QueueName,
} from '@parley/contracts';
import { Prisma, type PrismaClient } from '@parley/db';
import { Periodic, currentLogFields } from '@parley/observability';
import type { JobQueues, JobsOf } from '@parley/queue';

/** The outbox tables (one per producing service, each owned by its service; see schema.prisma). */
export type OutboxTable = 'session_outbox' | 'evaluator_outbox';

export interface OutboxLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobEntryOptions {
  /** Deterministic BullMQ job id: a relay that runs twice adds the job once. */
  jobId: string;
  /** A delayed job (a timer) fires at this time, however late the relay runs. */
  runAt?: Date;
  attempts?: number;
  backoffMs?: number;
}

type Row =
  | { kind: 'event'; id: string; topic: EventName; job: null; payload: unknown; meta: Partial<MessageContext> }
  | {
      kind: 'job';
      id: string;
      topic: QueueName;
      job: JobName;
      payload: unknown;
      meta: { jobId: string; runAt?: number; attempts?: number; backoffMs?: number };
    };

/**
 * What a transaction announces. Each entry is inserted into the outbox in the caller's transaction, so it commits
 * (or rolls back) with the change it announces; the {@link Outbox} relays it after the commit.
 */
export class OutboxWriter {
  readonly entries: Row[] = [];

  constructor(
    private readonly tx: Prisma.TransactionClient,
    private readonly table: OutboxTable,
    private readonly context: Partial<MessageContext>,
  ) {}

  /** A JetStream event; `messageId` is also its dedupe id on the stream. The payload is validated here. */
  async event<E extends EventName>(event: E, payload: EventPayload<E>, messageId: string): Promise<void> {
    await this.insert(eventEntry(event, payload, messageId, this.context));
  }

  /** A BullMQ job that must exist once the change is committed (a timer, an evaluation). */
  async job<Q extends QueueName, J extends JobsOf<Q>>(queue: Q, job: J, payload: JobPayload<J>, options: JobEntryOptions): Promise<void> {
    await this.insert({
      kind: 'job',
      // Job ids are unique per queue, message ids per namespace: keep the two apart in one table.
      id: `job/${queue}/${options.jobId}`,
      topic: queue,
      job,
      payload,
      meta: { jobId: options.jobId, runAt: options.runAt?.getTime(), attempts: options.attempts, backoffMs: options.backoffMs },
    });
  }

  private async insert(row: Row): Promise<void> {
    await this.tx.$executeRaw(insertEntry(this.table, row));
    this.entries.push(row);
  }
}

/**
 * What one SQL statement announces: each entry is an INSERT for the caller to put in that statement as a
 * data-modifying CTE, so the change and its announcement commit together in one round trip (see
 * {@link Outbox.statement}).
 */
export class OutboxStatement {
  readonly entries: Row[] = [];

  constructor(
    private readonly table: OutboxTable,
    private readonly context: Partial<MessageContext>,
  ) {}

  /** A JetStream event, as {@link OutboxWriter.event}; returns its INSERT. */
  event<E extends EventName>(event: E, payload: EventPayload<E>, messageId: string): Prisma.Sql {
    const row = eventEntry(event, payload, messageId, this.context);
    this.entries.push(row);
    return insertEntry(this.table, row);
  }
}

/** An event's outbox entry; its payload is validated here, before anything is written. */
function eventEntry<E extends EventName>(event: E, payload: EventPayload<E>, messageId: string, context: Partial<MessageContext>): Row {
  return { kind: 'event', id: messageId, topic: event, job: null, payload: EventSchemas[event].parse(payload), meta: context };
}

/** ON CONFLICT DO NOTHING: announcing the same thing twice (a retried handler) keeps one entry. */
function insertEntry(table: OutboxTable, row: Row): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO ${Prisma.raw(`"${table}"`)} (id, kind, topic, job, payload, meta)
    VALUES (${row.id}, ${row.kind}, ${row.topic}, ${row.job}, ${JSON.stringify(row.payload)}::jsonb, ${JSON.stringify(row.meta)}::jsonb)
    ON CONFLICT (id) DO NOTHING`;
}

export interface OutboxOptions {
  table: OutboxTable;
  /** How often the sweeper looks for entries the fast path did not relay. */
  sweepIntervalMs?: number;
  /** Entries younger than this are left to the fast path. */
  sweepMinAgeMs?: number;
  /** Entries relayed per sweep. */
  sweepBatch?: number;
  /** Called after each relay attempt, for metrics. */
  onRelay?: (outcome: { path: 'commit' | 'sweep'; kind: 'event' | 'job'; ok: boolean }) => void;
}

export type Transaction<T> = (tx: Prisma.TransactionClient, out: OutboxWriter) => Promise<T>;

/**
 * Transactional outbox: state changes and the events/jobs that announce them commit together. Right after the commit
 * the entries are relayed (the fast path, so latency stays low); whatever that could not relay (NATS or Redis down,
 * a crash between commit and relay) a periodic sweeper relays later, in order. An entry's id is the JetStream message
 * id or the BullMQ job id, so an entry relayed twice is stored once: each event is published at least once and
 * deduplicated.
 */
export class Outbox {
  private sweeper: Periodic | null = null;
  private readonly table: Prisma.Sql;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: Bus,
    private readonly queues: JobQueues,
    private readonly logger: OutboxLogger,
    private readonly options: OutboxOptions,
  ) {
    this.table = Prisma.raw(`"${options.table}"`);
  }

  /** Runs `work` in one transaction with an outbox writer, then relays what it wrote. */
  async transaction<T>(work: Transaction<T>, context: Partial<MessageContext> = currentContext()): Promise<T> {
    const { result, writer } = await this.commit(work, context);
    await this.relayCommitted(writer);
    return result;
  }

  /**
   * {@link transaction} for a caller that waits only for the commit (a turn's acknowledgement): resolves once the
   * change is committed and relays in the background. What that relay cannot send, the sweeper sends.
   */
  async transactionRelayingLater<T>(work: Transaction<T>, context: Partial<MessageContext> = currentContext()): Promise<T> {
    const { result, writer } = await this.commit(work, context);
    this.relayCommitted(writer).catch((error: unknown) =>
      this.logger.warn({ outbox: this.options.table, err: (error as Error)?.message }, 'outbox relay failed; the sweeper retries'),
    );
    return result;
  }

  /**
   * A change made by one SQL statement, announced in that same statement: `build` puts the INSERTs of
   * {@link OutboxStatement} into it as data-modifying CTEs. A statement is atomic by itself, so this needs no
   * interactive transaction (BEGIN, each query, COMMIT: a round trip each). Resolves to the statement's rows once its
   * entries are relayed.
   */
  async statement<T>(build: (out: OutboxStatement) => Prisma.Sql, context: Partial<MessageContext> = currentContext()): Promise<T[]> {
    const out = new OutboxStatement(this.options.table, context);
    const rows = await this.prisma.$queryRaw<T[]>(build(out));
    if (out.entries.length) await this.relay(out.entries, 'commit');
    return rows;
  }

  private async commit<T>(work: Transaction<T>, context: Partial<MessageContext>): Promise<{ result: T; writer: OutboxWriter }> {
    let writer!: OutboxWriter;
    const result = await this.prisma.$transaction(async (tx) => {
      writer = this.writer(tx, context);
      return work(tx, writer);
    });
    return { result, writer };
  }

  /** For work that opens its own transaction: a writer bound to `tx`; hand it to {@link relayCommitted} after the commit. */
  writer(tx: Prisma.TransactionClient, context: Partial<MessageContext> = currentContext()): OutboxWriter {
    return new OutboxWriter(tx, this.options.table, context);
  }

  /** The fast path: relays what a committed transaction wrote. Failures are left to the sweeper, never thrown. */
  async relayCommitted(writer: OutboxWriter): Promise<void> {
    if (writer.entries.length) await this.relay(writer.entries, 'commit');
  }

  /** Relays rows in order and deletes those relayed; stops at the first failure (the sweeper resumes there). */
  private async relay(rows: Row[], path: 'commit' | 'sweep', tx: Prisma.TransactionClient = this.prisma): Promise<number> {
    const relayed: string[] = [];
    try {
      for (const row of rows) {
        try {
          await this.send(row);
          relayed.push(row.id);
          this.options.onRelay?.({ path, kind: row.kind, ok: true });
        } catch (error) {
          this.options.onRelay?.({ path, kind: row.kind, ok: false });
          const message = error instanceof Error ? error.message : String(error);
          this.logger.warn({ outbox: this.options.table, id: row.id, path, err: message }, 'outbox relay failed; the sweeper retries');
          await tx
            .$executeRaw`UPDATE ${this.table} SET attempts = attempts + 1, last_error = ${message.slice(0, 500)} WHERE id = ${row.id}`
            .catch(() => undefined);
          break;
        }
      }
    } finally {
      if (relayed.length) {
        await tx.$executeRaw`DELETE FROM ${this.table} WHERE id = ANY(${relayed}::text[])`.catch((err: Error) =>
          // Left in place they are relayed again and deduplicated downstream.
          this.logger.warn({ outbox: this.options.table, err: err.message }, 'relayed outbox entries not deleted'),
        );
      }
    }
    return relayed.length;
  }

  private async send(row: Row): Promise<void> {
    if (row.kind === 'event') {
      await this.bus.publish(row.topic, row.payload as never, {
        messageId: row.id,
        context: { correlationId: row.meta.correlationId ?? row.id, traceparent: row.meta.traceparent },
      });
      return;
    }
    const { jobId, runAt, attempts, backoffMs } = row.meta;
    await this.queues.add(row.topic, row.job as never, row.payload as never, {
      jobId,
      delayMs: runAt === undefined ? undefined : Math.max(0, runAt - Date.now()),
      attempts,
      backoffMs,
    });
  }

  /**
   * Relays entries older than the fast path's grace, oldest first, under row locks so replicas sweep disjoint
   * entries. Resolves to the number relayed.
   */
  async sweep(): Promise<number> {
    const batch = this.options.sweepBatch ?? 200;
    const minAge = `${this.options.sweepMinAgeMs ?? 2_000} milliseconds`;
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<Row[]>`
          SELECT id, kind, topic, job, payload, meta FROM ${this.table}
          WHERE created_at < now() - ${minAge}::interval
          ORDER BY seq LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
        return rows.length ? this.relay(rows, 'sweep', tx) : 0;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  /** Entries not relayed yet (for readiness details and tests). */
  async pending(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<[{ count: bigint }]>`SELECT count(*) AS count FROM ${this.table}`;
    return Number(row.count);
  }

  start(): void {
    this.sweeper ??= new Periodic(`${this.options.table} sweep`, this.options.sweepIntervalMs ?? 1_000, () => this.sweep(), this.logger);
    this.sweeper.start();
  }

  async stop(): Promise<void> {
    await this.sweeper?.stop();
  }
}

/**
 * The correlation id and span of the request, command, event or job being handled, so the announcement carries them
 * on (a sweep that relays it later still continues that trace).
 */
function currentContext(): Partial<MessageContext> {
  const { correlationId } = currentLogFields();
  const traceparent = traceparentOf();
  return { ...(correlationId ? { correlationId } : {}), ...(traceparent ? { traceparent } : {}) };
}
