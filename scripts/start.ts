/**
 * `npm start`: the whole platform on this machine. Makes sure Postgres, Redis and NATS answer (starting or
 * installing them when it can), starts a local S3 server unless S3_ENDPOINT is set, migrates and seeds the
 * database, starts the five services and prints the URL. Ctrl-C stops everything it started, and nothing else.
 *
 * `--replicas n` (`npm run start:scaled`: 2) starts n processes of every service, with a round-robin balancer in
 * front of the gateways at the printed URL. The console shows progress, then only the services' warnings and
 * errors; their full JSON logs go to .data/logs/<service>[-<replica>].log.
 */
import { ensureDatabase, createPrismaClient, migrateDatabase, seedDatabase } from '@parley/db';
import { startS3rver } from '@parley/storage';
import { GatewayBalancer } from '@parley/testing';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { relayServiceLogs } from './service-logs';

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
/** Replica n > 1 of a service listens this much above the first (8081, 8181, 8281...). */
const REPLICA_PORT_STEP = 100;
const LOG_DIR = join(ROOT, '.data', 'logs');

type Service = (typeof SERVICES)[number];
interface Replica {
  service: Service;
  replica: number;
  /** `gateway`, `gateway#2`: how its lines are prefixed. */
  label: string;
  port: number;
  color: string;
}

const env: NodeJS.ProcessEnv = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/parley',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  ...process.env,
};
const children: { name: string; process: ChildProcess }[] = [];
let balancer: GatewayBalancer | null = null;
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

function replicasOption(): number {
  const { values } = parseArgs({ options: { replicas: { type: 'string' } } });
  const replicas = Number(values.replicas ?? env.PARLEY_REPLICAS ?? 1);
  if (!Number.isInteger(replicas) || replicas < 1) {
    say(`--replicas must be a positive whole number, not ${values.replicas ?? env.PARLEY_REPLICAS}`);
    process.exit(1);
  }
  return replicas;
}

/**
 * Every process to start. A service's first replica keeps its configured port; further ones step up from it. With
 * several gateways the configured gateway port is the balancer's, and the gateways step up from it.
 */
function plan(replicas: number): Replica[] {
  return SERVICES.flatMap((service, i) => {
    const base = Number(env[service.portVar] ?? service.port);
    const shift = service.name === 'gateway' && replicas > 1 ? 1 : 0;
    return Array.from({ length: replicas }, (_, r) => ({
      service,
      replica: r + 1,
      label: r === 0 ? service.name : `${service.name}#${r + 1}`,
      port: base + (r + shift) * REPLICA_PORT_STEP,
      color: COLORS[i]!,
    }));
  });
}

function startService(target: Replica): void {
  const { service, replica, label, port, color } = target;
  const child = spawn(process.execPath, [join(ROOT, 'services', service.name, 'dist', 'main.js')], {
    env: { ...env, [service.portVar]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const file = join(LOG_DIR, `${service.name}${replica === 1 ? '' : `-${replica}`}.log`);
  const prefix = `\x1b[${color}m${label.padEnd(15)}\x1b[0m| `;
  const log = relayServiceLogs([child.stdout!, child.stderr!], file, prefix, (line) => process.stdout.write(`${line}\n`));
  child.once('exit', (code, signal) => {
    log.close();
    if (!stopping) {
      // Its last info lines went only to the file: show what it was doing when it ended.
      for (const line of log.tail().slice(-10)) process.stdout.write(`${prefix}\x1b[2m${line}\x1b[0m\n`);
      say(`${label} exited (${signal ?? code}); its log: ${relative(ROOT, file)}; stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name: label, process: child });
}

// Generous: ten processes booting at once on a busy two-core machine can take minutes; a crash still stops at once.
async function waitReady(name: string, port: number, timeoutMs = 300_000): Promise<void> {
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
  await balancer?.close();
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
  const replicas = replicasOption();
  ensureInfrastructure();
  await ensureObjectStorage();
  await prepareDatabase();
  mkdirSync(LOG_DIR, { recursive: true });
  const processes = plan(replicas);
  say(
    `starting ${SERVICES.length} services${replicas > 1 ? ` × ${replicas} replicas` : ''}; ` +
      `only their warnings and errors are shown here, full logs in ${relative(ROOT, LOG_DIR)}/`,
  );
  processes.forEach(startService);
  await Promise.all(
    processes.map(async (p) => {
      await waitReady(p.label, p.port);
      say(`${p.label} ready on port ${p.port}`);
    }),
  );
  const gatewayPort = Number(env.GATEWAY_PORT ?? 8080);
  if (replicas > 1) {
    const gateways = processes.filter((p) => p.service.name === 'gateway').map((p) => p.port);
    balancer = await GatewayBalancer.start(() => gateways, gatewayPort);
    say(`balancer on port ${gatewayPort}: requests and sockets take turns over the gateways (${gateways.join(', ')})`);
  }
  say(`all services ready. Open \x1b[1;4mhttp://127.0.0.1:${gatewayPort}/\x1b[0m  (Ctrl-C stops everything)`);
}

main().catch((error: unknown) => {
  say(`failed: ${(error as Error).stack ?? error}`);
  void shutdown(1);
});
