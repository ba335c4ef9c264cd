import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { chatStreamKey, type ChatStreamEntry } from '@parley/contracts';
import IORedis, { type Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface StreamItem {
  /** The Redis stream entry id, used as the SSE event id. */
  id: string;
  entry: ChatStreamEntry;
}

/** How long one blocking read waits before checking whether the reader is still wanted. */
const BLOCK_MS = 5_000;

/**
 * Reads reply streams (Redis streams written by the session service and the turn-pipeline), so any gateway replica
 * can serve a stream or resume it from an event id. Each live read blocks on its own connection: a blocking read
 * would stall every other command on a shared one.
 */
@Injectable()
export class ChatStreamReader implements OnApplicationShutdown {
  /** For short commands; live reads get their own connection. */
  private readonly redis: Redis;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.redis = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined);
  }

  private key(streamId: string): string {
    return chatStreamKey(this.config.PARLEY_NAMESPACE, streamId);
  }

  /**
   * The entries after `afterId` ('0' for all), as they are written, until `done` or `error` or until `signal`
   * aborts. Ends with an `error` entry when nothing arrives for `idleTimeoutMs` or the stream expires.
   */
  async *entries(streamId: string, afterId: string, signal: AbortSignal, idleTimeoutMs: number): AsyncGenerator<StreamItem> {
    const redis = new IORedis(this.config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
    redis.on('error', () => undefined);
    const stop = () => redis.disconnect();
    signal.addEventListener('abort', stop, { once: true });
    let cursor = afterId;
    let lastProgress = Date.now();
    try {
      while (!signal.aborted) {
        const result = await redis
          .xread('COUNT', 200, 'BLOCK', BLOCK_MS, 'STREAMS', this.key(streamId), cursor)
          .catch((error: unknown) => (signal.aborted ? null : Promise.reject(error)));
        if (signal.aborted) return;
        const batch = result?.[0]?.[1] ?? [];
        for (const [id, fields] of batch) {
          cursor = id;
          const entry = JSON.parse(fields[1] ?? '{}') as ChatStreamEntry;
          yield { id, entry };
          if (entry.type === 'done' || entry.type === 'error') return;
        }
        if (batch.length) {
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > idleTimeoutMs || !(await redis.exists(this.key(streamId)))) {
          yield {
            id: cursor,
            entry: {
              type: 'error',
              error: { code: 'timeout', status: 504, message: 'The reply did not arrive in time; reload the conversation', retryable: true },
            },
          };
          return;
        }
      }
    } finally {
      signal.removeEventListener('abort', stop);
      redis.disconnect();
    }
  }

  async exists(streamId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(streamId))) === 1;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
