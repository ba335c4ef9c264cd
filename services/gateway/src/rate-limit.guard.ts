import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnApplicationShutdown } from '@nestjs/common';
import { AppError, type Caller } from '@parley/contracts';
import { Readiness } from '@parley/observability';
import IORedis, { type Redis } from 'ioredis';
import type { Request } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';

/**
 * Fixed one-minute windows per user (or per client address before sign-in), counted in Redis so every gateway
 * replica shares the limit.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  readonly redis: Redis;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    readiness: Readiness,
  ) {
    this.redis = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
    readiness.register('redis', async () => (await this.redis.ping()) === 'PONG');
  }

  /** Counts one hit for `key`; throws 429 with Retry-After once the window's budget is spent. */
  async hit(key: string, limit = this.config.RATE_LIMIT_PER_MINUTE): Promise<void> {
    const windowSec = 60;
    const window = Math.floor(Date.now() / 1000 / windowSec);
    const redisKey = `${this.config.PARLEY_NAMESPACE}:ratelimit:${key}:${window}`;
    let count: number;
    try {
      const result = await this.redis.multi().incr(redisKey).expire(redisKey, windowSec * 2).exec();
      count = Number(result?.[0]?.[1] ?? 0);
    } catch {
      // Redis down: availability beats limiting; readiness already reports the outage.
      return;
    }
    if (count > limit) {
      const retryAfterSec = windowSec - (Math.floor(Date.now() / 1000) % windowSec);
      throw new AppError('rate_limited', 'Too many requests; slow down', { retryAfterSec });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    await this.limiter.hit(request.caller ? `user:${request.caller.userId}` : `ip:${request.ip}`);
    return true;
  }
}
