import { createConnection } from 'node:net';

/**
 * Where the tests find Postgres, Redis and NATS: the environment first (`TEST_DATABASE_URL` or `DATABASE_URL`
 * host, `REDIS_URL`, `NATS_URL`), otherwise the standard loopback ports.
 *
 * No container runtime runs on our CI machines, so the suite uses real local servers; `.ci/run` starts them.
 */
export interface TestInfra {
  /** Server URL without a database name; each test platform gets its own database. */
  postgresServerUrl: string;
  redisUrl: string;
  natsUrl: string;
}

export function testInfra(env: NodeJS.ProcessEnv = process.env): TestInfra {
  const pg = new URL(env.TEST_DATABASE_URL ?? env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  pg.pathname = '/';
  return {
    postgresServerUrl: pg.toString(),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Resolves when something accepts TCP connections at the URL's host and port. */
export function reachable(rawUrl: string, defaultPort: number, timeoutMs = 1_000): Promise<boolean> {
  const url = new URL(rawUrl);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) || defaultPort });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function assertInfraReachable(infra: TestInfra): Promise<void> {
  const checks = await Promise.all([
    reachable(infra.postgresServerUrl, 5432).then((ok) => (ok ? null : `Postgres at ${infra.postgresServerUrl}`)),
    reachable(infra.redisUrl, 6379).then((ok) => (ok ? null : `Redis at ${infra.redisUrl}`)),
    reachable(infra.natsUrl, 4222).then((ok) => (ok ? null : `NATS at ${infra.natsUrl}`)),
  ]);
  const down = checks.filter(Boolean);
  if (down.length) {
    throw new Error(`Tests need real infrastructure; not reachable: ${down.join(', ')}. Start them with scripts/infra.sh`);
  }
}
