/**
 * `npm start`: the whole platform on this machine. Makes sure Postgres, Redis and NATS answer (starting or
 * installing them when it can), starts a local S3 server unless S3_ENDPOINT is set, migrates and seeds the
 * database, starts the five services and prints the URL. Ctrl-C stops everything it started, and nothing else.
 */
import { ensureDatabase, createPrismaClient, migrateDatabase, seedDatabase } from '@parley/db';
import { startS3rver } from '@parley/storage';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Compiled to scripts/dist/start.js.
const ROOT = resolve(__dirname, '../..');
const SERVICES = [
  { name: 'session', portVar: 'SESSION_PORT', port: 8081 },
  { name: 'turn-pipeline', portVar: 'TURN_PIPELINE_PORT', port: 8082 },
  { name: 'asr', portVar: 'ASR_PORT', port: 8083 },
  { name: 'evaluator', portVar: 'EVALUATOR_PORT', port: 8084 },
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 8080 },
] as const;
const COLORS = ['36', '35', '33', '32', '34'];

const env: NodeJS.ProcessEnv = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/parley',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  ...process.env,
};
const children: { name: string; process: ChildProcess }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
let stopping = false;

function say(message: string): void {
  process.stdout.write(`\x1b[1m[parley]\x1b[0m ${message}\n`);
}

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname);

/**
 * Runs scripts/infra.sh (servers on loopback URLs, offline speech packages); remembers which servers it started so
 * Ctrl-C stops them. Servers whose URL points to another host are left to that host.
 */
function ensureInfrastructure(): void {
  if (![env.DATABASE_URL!, env.REDIS_URL!, env.NATS_URL!].every(isLoopback)) say('using the configured remote servers where set');
  const result = spawnSync('bash', [join(ROOT, 'scripts/infra.sh')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const started = [...result.stdout.matchAll(/^\[infra\] started (\w+)/gm)].map((m) => m[1]!);
  for (const name of started) {
    say(`started ${name}; it stops again with Ctrl-C`);
    cleanups.push(() => stopServer(name));
  }
  if (result.status !== 0) {
    say('some dependencies are missing; see the messages above, then run npm start again');
    process.exit(1);
  }
}

function stopServer(name: string): void {
  const commands: Record<string, string> = {
    postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | sort -V | tail -1) main stop',
    redis: 'redis-cli -p 6379 shutdown nosave',
    nats: 'start-stop-daemon --stop --oknodo --pidfile /run/parley-nats.pid --remove-pidfile',
  };
  if (commands[name]) spawnSync('bash', ['-c', commands[name]!], { stdio: 'ignore' });
}

async function ensureObjectStorage(): Promise<void> {
  if (env.S3_ENDPOINT) return;
  const directory = join(ROOT, '.data', 's3');
  mkdirSync(directory, { recursive: true });
  const port = Number(env.S3RVER_PORT ?? 9000);
  const bucket = env.S3_BUCKET ?? 'parley-audio';
  const s3 = await startS3rver({ directory, port, address: '127.0.0.1', buckets: [bucket] });
  env.S3_ENDPOINT = s3.endpoint;
  env.S3_BUCKET = bucket;
  cleanups.push(() => s3.close());
  say(`local S3 server (s3rver) at ${s3.endpoint}, data in .data/s3`);
}

async function prepareDatabase(): Promise<void> {
  await ensureDatabase(env.DATABASE_URL!);
  await migrateDatabase(env.DATABASE_URL!);
  const prisma = createPrismaClient(env.DATABASE_URL!);
  try {
    await seedDatabase(prisma);
  } finally {
    await prisma.$disconnect();
  }
  say('database migrated and seeded');
}

function startService(service: (typeof SERVICES)[number], color: string): void {
  const child = spawn(process.execPath, [join(ROOT, 'services', service.name, 'dist', 'main.js')], {
    env: { [service.portVar]: String(service.port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m${service.name.padEnd(13)}\x1b[0m| `;
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) process.stdout.write(prefix + line + '\n');
  };
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${service.name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name: service.name, process: child });
}

async function waitReady(name: string, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    children.map(
      ({ process: child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const cleanup of cleanups.reverse()) await cleanup();
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  ensureInfrastructure();
  await ensureObjectStorage();
  await prepareDatabase();
  SERVICES.forEach((service, i) => startService(service, COLORS[i]!));
  const ports = Object.fromEntries(SERVICES.map((s) => [s.name, Number(env[s.portVar] ?? s.port)]));
  await Promise.all(SERVICES.map((s) => waitReady(s.name, ports[s.name]!)));
  say(`all services ready. Open \x1b[1;4mhttp://127.0.0.1:${ports.gateway}/\x1b[0m  (Ctrl-C stops everything)`);
}

main().catch((error: unknown) => {
  say(`failed: ${(error as Error).stack ?? error}`);
  void shutdown(1);
});
