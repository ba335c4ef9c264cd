import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './infra';
import { freePort } from './ports';

/**
 * A NATS or Redis server of a test's own, on a free port with its data in a temporary directory, for tests that
 * must stop and restart a server (never the shared ones other suites use). A restart keeps the port and the data,
 * as a real server restart does.
 */
export class OwnServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly kind: 'nats' | 'redis',
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async nats(): Promise<OwnServer> {
    const server = new OwnServer('nats', await freePort(), await mkdtemp(join(tmpdir(), 'parley-nats-')));
    await server.start();
    return server;
  }

  static async redis(): Promise<OwnServer> {
    const server = new OwnServer('redis', await freePort(), await mkdtemp(join(tmpdir(), 'parley-redis-')));
    await server.start();
    return server;
  }

  get url(): string {
    return this.kind === 'nats' ? `nats://127.0.0.1:${this.port}` : `redis://127.0.0.1:${this.port}`;
  }

  private command(): [string, string[]] {
    if (this.kind === 'nats') {
      const bin = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(existsSync) ?? 'nats-server';
      return [bin, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir]];
    }
    const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync) ?? 'redis-server';
    // Append-only with fsync on every write: a restart loses nothing, like a production Redis with persistence.
    return [bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always']];
  }

  async start(): Promise<void> {
    if (this.child) return;
    const [bin, args] = this.command();
    const child = spawn(bin, args, { stdio: 'ignore' });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 15_000;
    while (!(await reachable(this.url, this.port, 300))) {
      if (!this.child) throw new Error(`${this.kind} server on ${this.port} exited at start`);
      if (Date.now() > deadline) throw new Error(`${this.kind} server on ${this.port} did not start`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }

  /** SIGTERM by default (a clean shutdown); SIGKILL for a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
    this.child = null;
  }

  async restart(downMs = 0, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    if (downMs) await new Promise((wake) => setTimeout(wake, downMs));
    await this.start();
  }

  /** Stops the server and removes its data. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
