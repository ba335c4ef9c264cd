import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createLogger } from '@parley/observability';
import IORedis, { type Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { corsOrigins, type GatewayConfig } from '../config';

/** Large enough for a 129 KB turn to arrive and be refused with 413, instead of socket.io dropping the connection. */
export const SOCKET_MAX_BUFFER_BYTES = 1024 * 1024;

/**
 * socket.io on the gateway's HTTP server, with the Redis adapter: a room emit on any replica (e.g. the one whose
 * durable consumer took a push event) reaches the sockets held by every other replica.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = createLogger('gateway').child({ component: 'socket.io-redis' });
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly config: GatewayConfig,
  ) {
    super(app);
    // Redis may come up after the gateway: both clients reconnect forever, and the subscriber re-subscribes.
    // The subscriber's commands wait for a connection (no retry cap), so its PSUBSCRIBE survives a slow start.
    this.pub = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    this.sub = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: null });
    let lastWarning = 0;
    const warn = (error: Error) => {
      // One line per 10 s is enough while Redis is down; readiness reports the outage.
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      this.logger.warn({ err: error }, 'socket.io Redis connection problem');
    };
    this.pub.on('error', warn);
    this.sub.on('error', warn);
  }

  /** True when both pub/sub connections answer: rooms across replicas work. */
  async ping(): Promise<boolean> {
    const [pub, sub] = await Promise.all([this.pub.ping(), this.sub.status === 'ready' ? 'PONG' : null]);
    return pub === 'PONG' && sub === 'PONG';
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: SOCKET_MAX_BUFFER_BYTES,
      cors: { origin: corsOrigins(this.config), credentials: true },
    } as ServerOptions) as Server;
    // Channels carry the deployment namespace, like every other NATS and Redis name.
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.config.PARLEY_NAMESPACE}:socket.io` }));
    return server;
  }

  /** After Nest has closed the servers (sockets disconnected, adapter unsubscribed): release Redis. */
  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all(
      [this.pub, this.sub].map((client) => client.quit().then(() => undefined, () => client.disconnect())),
    );
  }
}
