import { Inject, Injectable, Logger, type ExecutionContext, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import {
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModule,
  ThrottlerStorageService,
  type ThrottlerLimitDetail,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppError, type Caller } from '@parley/contracts';
import { Metrics } from '@parley/observability';
import IORedis, { type Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';

const MINUTE_MS = 60_000;
const REST = 'default';
const SOCKET_USER = 'socket-user';
const SOCKET_CONNECTION = 'socket-connection';
const OPS_PATHS = /^\/(health|ready|metrics)$/;

/** Counters shared by every replica live in Redis, under the deployment's namespace. */
function limiterKey(config: Pick<GatewayConfig, 'PARLEY_NAMESPACE'>, tracker: string): string {
  return `${config.PARLEY_NAMESPACE}:ratelimit:${tracker}`;
}

/**
 * Throttler storage in Redis, so all gateway replicas share one budget per user. While Redis cannot be reached
 * each replica counts in its own memory with the same limits instead: limits still hold (each replica allows the
 * budget once, so at most replicas × the limit in total) rather than failing open, and the API stays up through a
 * Redis outage, which `/ready` reports (the queue module's Redis check). Back to Redis as soon as it answers again.
 */
export class FallbackThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('rate-limit');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private readonly localDecisions: Counter;
  private degraded = false;

  constructor(redisUrl: string, metrics: Metrics) {
    // Fail fast rather than queue: a request must not wait on a Redis that is gone or hanging.
    this.redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500 });
    this.redis.on('error', () => undefined);
    this.shared = new ThrottlerStorageRedisService(this.redis);
    this.localDecisions = metrics.counter('rate_limit_local_total', 'Rate limit decisions counted in memory because Redis was unreachable');
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    try {
      const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      if (this.degraded) {
        this.degraded = false;
        this.logger.log('Redis answers again: rate limits are shared across replicas again');
      }
      return record;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn({ err: error }, 'Redis unreachable: rate limits are counted per replica in memory until it is back');
      }
      this.localDecisions.inc();
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.local.onApplicationShutdown();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** `@nestjs/throttler` with the Redis storage: `RATE_LIMIT_PER_MINUTE` REST requests per user per minute. */
export function rateLimitModule(config: GatewayConfig) {
  return ThrottlerModule.forRootAsync({
    inject: [Metrics],
    useFactory: (metrics: Metrics) => ({
      throttlers: [{ name: REST, ttl: MINUTE_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
      storage: new FallbackThrottlerStorage(config.REDIS_URL, metrics),
    }),
  });
}

function rateLimited(retryAfterSec: number): AppError {
  return new AppError('rate_limited', 'Too many requests; slow down', { retryAfterSec: Math.max(1, retryAfterSec) });
}

/**
 * REST requests per user (the token's subject), whatever the route; per client address before sign-in (public
 * routes). Runs after the auth guard, which puts the caller on the request. Over the limit: 429 with Retry-After
 * and our error body.
 */
@Injectable()
export class RestRateLimitGuard extends ThrottlerGuard {
  @Inject(GATEWAY_CONFIG) private readonly config!: GatewayConfig;

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    // Socket events are limited by SocketRateLimiter, which sees every event (guards only see decorated handlers).
    if (context.getType() !== 'http') return true;
    // Probes and scrapes come from the platform every few seconds; refusing them would take a healthy pod out.
    return OPS_PATHS.test(context.switchToHttp().getRequest<{ path: string }>().path);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const caller = req.caller as Caller | undefined;
    return caller ? `user:${caller.userId}` : `ip:${String(req.ip)}`;
  }

  /** One budget across all routes (the library's default counts each route apart). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return limiterKey(this.config, `rest:${tracker}`);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw rateLimited(detail.timeToBlockExpire);
  }
}

/**
 * Socket budgets in the same storage: connections and events per user (`SOCKET_RATE_LIMIT_PER_MINUTE`, across all
 * of the user's sockets and replicas) and events per connection (`SOCKET_RATE_LIMIT_PER_SOCKET_PER_MINUTE`).
 * Audio frames are not counted here: they have their own per-connection frame budget (realtime-frames.ts).
 */
@Injectable()
export class SocketRateLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** A new connection counts against its user's budget. */
  async connection(caller: Caller): Promise<void> {
    await this.take(`socket:user:${caller.userId}`, SOCKET_USER, this.config.SOCKET_RATE_LIMIT_PER_MINUTE);
  }

  /** One event on `socketId`: counts against the user's budget and the connection's own. */
  async event(caller: Caller, socketId: string): Promise<void> {
    await this.take(`socket:user:${caller.userId}`, SOCKET_USER, this.config.SOCKET_RATE_LIMIT_PER_MINUTE);
    await this.take(`socket:id:${socketId}`, SOCKET_CONNECTION, this.config.SOCKET_RATE_LIMIT_PER_SOCKET_PER_MINUTE);
  }

  private async take(tracker: string, name: string, limit: number): Promise<void> {
    const record = await this.storage.increment(limiterKey(this.config, tracker), MINUTE_MS, limit, MINUTE_MS, name);
    if (record.isBlocked) throw rateLimited(record.timeToBlockExpire);
  }
}
