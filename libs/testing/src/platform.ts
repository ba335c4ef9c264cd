import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { startS3rver } from '@parley/storage';
import { GatewayBalancer } from './balancer';
import { databaseUrl, testInfra } from './infra';
import { freePort } from './ports';

export const SERVICES = ['gateway', 'session', 'turn-pipeline', 'asr', 'evaluator'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The run's databases (see global-setup.ts): the seeded template every platform clones, and the clones. */
function runDatabase(suffix: string): string {
  const runId = process.env.PARLEY_TEST_RUN;
  if (!runId) throw new Error('PARLEY_TEST_RUN is unset: run the tests through jest (global setup)');
  return `parley_test_run_${runId}_${suffix}`;
}

const ROOT = resolve(__dirname, '../../..');
const LOG_DIR = join(ROOT, 'test-artifacts', 'logs');
const READY_WITHIN_MS = 90_000;

export interface PlatformOptions {
  services: ServiceName[];
  /** Environment for every service (after the platform's own). */
  env?: Record<string, string>;
  /** Environment for one service only. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** NATS and Redis of this platform when not the shared test servers (e.g. servers a chaos test starts and stops). */
  natsUrl?: string;
  redisUrl?: string;
  /**
   * At least this many processes of a service (default 1). `PARLEY_TEST_REPLICAS=n` raises every service of every
   * platform to at least n, which is how `npm run test:scaled` runs the suites against a scaled-out deployment.
   */
  replicas?: Partial<Record<ServiceName, number>>;
}

/** The replicas every platform starts of each service (`PARLEY_TEST_REPLICAS`, default 1). */
export function defaultReplicas(): number {
  const value = Number(process.env.PARLEY_TEST_REPLICAS ?? 1);
  if (!Number.isInteger(value) || value < 1) throw new Error(`PARLEY_TEST_REPLICAS must be a positive integer, not ${process.env.PARLEY_TEST_REPLICAS}`);
  return value;
}

interface RunningService {
  name: ServiceName;
  port: number;
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Its `/ready` has answered 200 (the balancer only sends traffic to ready gateways). */
  ready: boolean;
}

/**
 * A whole Parley deployment for one test suite: its own database (cloned from the migrated template), its own
 * NATS/Redis namespace, its own S3 server, and the real service processes built into `dist/`, on free ports.
 * Suites therefore never see each other's traffic, nor that of a local `npm start`.
 */
export class TestPlatform {
  /** Keyed by `name` for the first instance and `name#n` for further replicas. */
  private readonly running = new Map<string, RunningService>();
  /** Ports by replica key: a restarted process gets its old port back, as a restarted pod keeps its address. */
  private readonly ports = new Map<string, number>();
  private balancer: GatewayBalancer | null = null;

  private constructor(
    readonly namespace: string,
    readonly databaseUrl: string,
    readonly s3: { endpoint: string; bucket: string; close(): Promise<void> },
    private readonly s3Dir: string,
    private readonly options: PlatformOptions,
  ) {}

  static async start(options: PlatformOptions): Promise<TestPlatform> {
    const infra = testInfra();
    const namespace = `t${randomBytes(4).toString('hex')}`;
    const database = runDatabase(namespace);
    await cloneTemplate(infra.postgresServerUrl, database);
    const s3Dir = await mkdtemp(join(tmpdir(), 'parley-s3-'));
    const bucket = 'parley-test-audio';
    const s3 = await startS3rver({ directory: s3Dir, port: 0, address: '127.0.0.1', buckets: [bucket] });
    const platform = new TestPlatform(
      namespace,
      databaseUrl(infra.postgresServerUrl, database),
      { ...s3, bucket },
      s3Dir,
      options,
    );
    try {
      // All at once, as a scaled-out deployment starts: replicas declare the same streams and consumers concurrently.
      const processes = options.services.flatMap((name) => Array.from({ length: platform.replicas(name) }, (_, i) => [name, i + 1] as const));
      await Promise.all(processes.map(([name, replica]) => platform.startService(name, {}, replica)));
      if (options.services.includes('gateway') && platform.replicas('gateway') > 1) {
        platform.balancer = await GatewayBalancer.start(() => platform.readyPorts('gateway'));
      }
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** The NATS server this platform's services use. */
  get natsUrl(): string {
    return this.options.natsUrl ?? testInfra().natsUrl;
  }

  /** The Redis server this platform's services use. */
  get redisUrl(): string {
    return this.options.redisUrl ?? testInfra().redisUrl;
  }

  /** True while the process of `name` (replica 1 unless given) runs. */
  isRunning(name: ServiceName, replica = 1): boolean {
    return this.running.has(replicaKey(name, replica));
  }

  /** How many processes of `name` this platform starts. */
  replicas(name: ServiceName): number {
    return Math.max(this.options.replicas?.[name] ?? 1, defaultReplicas());
  }

  /**
   * Base URL of a service, e.g. http://127.0.0.1:41234: of its first replica, except for a scaled-out gateway,
   * where it is a round-robin balancer in front of every gateway replica (GatewayBalancer), so the clients of a
   * test cross replicas the way they would behind a load balancer.
   */
  url(name: ServiceName): string {
    if (name === 'gateway' && this.balancer) return this.balancer.url;
    const port = this.ports.get(name);
    if (!port) throw new Error(`${name} was never started`);
    return `http://127.0.0.1:${port}`;
  }

  /** Base URL of one replica (1 is the first), bypassing the balancer. */
  replicaUrl(name: ServiceName, replica: number): string {
    const service = this.running.get(replicaKey(name, replica));
    if (!service) throw new Error(`${name} replica ${replica} is not running`);
    return `http://127.0.0.1:${service.port}`;
  }

  env(name: ServiceName): Record<string, string> {
    return {
      ...pick(process.env, ['PATH', 'HOME', 'TMPDIR', 'LANG']),
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      PARLEY_NAMESPACE: this.namespace,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      NATS_URL: this.natsUrl,
      S3_ENDPOINT: this.s3.endpoint,
      S3_BUCKET: this.s3.bucket,
      SHUTDOWN_GRACE_MS: '3000',
      ...this.options.env,
      ...this.options.serviceEnv?.[name],
    };
  }

  /**
   * Starts (or starts again) one service and waits until its `/ready` answers 200. `replica` > 1 starts a further
   * process of the same service on its own port, as scaling out would.
   */
  async startService(name: ServiceName, extraEnv: Record<string, string> = {}, replica = 1): Promise<void> {
    const key = replicaKey(name, replica);
    if (this.running.has(key)) throw new Error(`${key} is already running`);
    const port = this.ports.get(key) ?? (await freePort());
    this.ports.set(key, port);
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = join(LOG_DIR, `${this.namespace}-${key.replace('#', '-')}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'services', name, 'dist', 'main.js')], {
      env: { ...this.env(name), [`${name.toUpperCase().replace('-', '_')}_PORT`]: String(port), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const service: RunningService = { name, port, process: child, exited, ready: false };
    this.running.set(key, service);
    void exited.then(() => {
      this.running.delete(key);
      log.end();
    });
    await this.waitReady(key, `http://127.0.0.1:${port}`, exited, logFile);
    service.ready = true;
  }

  private readyPorts(name: ServiceName): number[] {
    return [...this.running.values()].filter((s) => s.name === name && s.ready).map((s) => s.port);
  }

  private async waitReady(name: string, url: string, exited: Promise<number | null>, logFile: string): Promise<void> {
    // Generous: a suite's processes start together, and on a busy two-core machine Node alone can take half a minute.
    const deadline = Date.now() + READY_WITHIN_MS;
    let gone = false;
    void exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${name} exited during startup:\n${tail(logFile)}`);
      const ready = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`${name} was not ready within ${READY_WITHIN_MS / 1000} s:\n${tail(logFile)}`);
  }

  /** Stops one service: SIGTERM lets it shut down gracefully, SIGKILL simulates a crash. */
  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM', replica = 1): Promise<void> {
    const service = this.running.get(replicaKey(name, replica));
    if (!service) return;
    service.ready = false;
    service.process.kill(signal);
    await service.exited;
  }

  async restartService(name: ServiceName): Promise<void> {
    await this.stopService(name);
    await this.startService(name);
  }

  /** Stops every process and removes everything this platform created. */
  async stop(): Promise<void> {
    await this.balancer?.close();
    await Promise.all(
      [...this.running.values()].map(async ({ process: child, exited }) => {
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await this.s3.close().catch(() => undefined);
    await rm(this.s3Dir, { recursive: true, force: true });
    await cleanupNamespace(this.namespace, { natsUrl: this.natsUrl, redisUrl: this.redisUrl }).catch((error: Error) => {
      // A server a test started may be gone already; the shared ones must be cleaned.
      if (!this.options.natsUrl && !this.options.redisUrl) throw error;
    });
    await dropDatabase(testInfra().postgresServerUrl, runDatabase(this.namespace));
  }
}

async function cloneTemplate(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    // Two suites cloning at once collide on the template's lock; retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${database}" TEMPLATE "${runDatabase('template')}"`);
        return;
      } catch (error) {
        if (attempt >= 30 || !/being accessed by other users/.test(String(error))) throw error;
        await sleep(100 + Math.random() * 200);
      }
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Deletes the namespace's JetStream streams (and so their consumers) and its Redis keys. */
export async function cleanupNamespace(
  namespace: string,
  servers: { natsUrl?: string; redisUrl?: string } = {},
): Promise<void> {
  const infra = { ...testInfra() };
  if (servers.natsUrl) infra.natsUrl = servers.natsUrl;
  if (servers.redisUrl) infra.redisUrl = servers.redisUrl;
  const nc = await connect({ servers: infra.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
  const redis = new IORedis(infra.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const replicaKey = (name: ServiceName, replica: number) => (replica === 1 ? name : `${name}#${replica}`);

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function pick(source: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]!]));
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
