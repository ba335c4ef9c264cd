import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@parley/contracts';
import { PRISMA, type Prisma, type PrismaClient } from '@parley/db';
import { JobQueues } from '@parley/queue';
import { randomUUID } from 'node:crypto';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { LIVE_STATUSES } from '../sessions/session-state-machine';

/** Serialises admissions across replicas: count + insert happen under one transaction-scoped advisory lock. */
const ADMISSION_LOCK = 72_105_931;
const POLL_MS = 150;

/**
 * SPEC §4.1: at most MAX_ACTIVE_SESSIONS live sessions; beyond that a creation waits in a queue of at most
 * MAX_PENDING_SESSIONS (first come, first served), and beyond that it is refused with 429 and Retry-After.
 * Postgres is the source of truth for live sessions; the waiting queue is a Redis sorted set shared by replicas,
 * whose entries expire on their own if a replica dies while waiting.
 */
@Injectable()
export class CapacityService {
  private readonly waitersKey: string;
  /** This replica's admissions, one after another (see tryAdmit). */
  private admissions: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly queues: JobQueues,
  ) {
    this.waitersKey = `${config.PARLEY_NAMESPACE}:capacity:waiters`;
  }

  /** Runs `create` inside the admission transaction once a slot is free. */
  async admit<T>(create: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const first = await this.tryAdmit(create, 0);
    if (first.admitted) return first.value;

    const redis = this.queues.redis;
    const waiter = randomUUID();
    const now = Date.now();
    const deadline = now + this.config.PENDING_WAIT_MS;
    // Entries older than the longest possible wait belong to dead replicas.
    await redis.zremrangebyscore(this.waitersKey, 0, now - this.config.PENDING_WAIT_MS - 5_000);
    await redis.zadd(this.waitersKey, now, waiter);
    try {
      const rank = await redis.zrank(this.waitersKey, waiter);
      if (rank === null || rank >= this.config.MAX_PENDING_SESSIONS) throw this.capacityExceeded();
      while (Date.now() < deadline) {
        await sleep(POLL_MS);
        const position = (await redis.zrank(this.waitersKey, waiter)) ?? 0;
        const attempt = await this.tryAdmit(create, position);
        if (attempt.admitted) return attempt.value;
      }
      throw this.capacityExceeded();
    } finally {
      await redis.zrem(this.waitersKey, waiter);
    }
  }

  /**
   * Admits when the free slots exceed the number of waiters ahead of this one. A replica's own admissions queue in
   * memory before opening their transaction: queued on the advisory lock instead, a burst of creations held every
   * pooled connection and ran out the transactions' 5 s timeout while waiting (20 at once failed on 2 cores).
   */
  private tryAdmit<T>(
    create: (tx: Prisma.TransactionClient) => Promise<T>,
    waitersAhead: number,
  ): Promise<{ admitted: true; value: T } | { admitted: false }> {
    const turn = this.admissions.then(() => this.admitNow(create, waitersAhead));
    this.admissions = turn.catch(() => undefined);
    return turn;
  }

  private admitNow<T>(
    create: (tx: Prisma.TransactionClient) => Promise<T>,
    waitersAhead: number,
  ): Promise<{ admitted: true; value: T } | { admitted: false }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMISSION_LOCK})`;
      const live = await tx.practiceSession.count({ where: { status: { in: LIVE_STATUSES } } });
      if (live + waitersAhead >= this.config.MAX_ACTIVE_SESSIONS) return { admitted: false as const };
      return { admitted: true as const, value: await create(tx) };
    });
  }

  private capacityExceeded(): AppError {
    return new AppError('capacity_exceeded', 'Capacity exceeded: too many practice sessions are running. Try again shortly.', {
      retryAfterSec: 10,
    });
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
