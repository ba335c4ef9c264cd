import { PRACTICE_NAMESPACE, type ScenarioView } from '@parley/contracts';
import { api, devToken } from '@parley/testing';
import { io, type Socket } from 'socket.io-client';
import { scenarioWithEndCriteria } from '../services/gateway/test/practice-client';

/**
 * A socket.io client for benchmarks: every event is timestamped the moment it arrives and wakes its waiter at once
 * (polling would add its interval to every figure).
 */
export class TimedClient {
  private readonly waiters: Array<{ name: string; match: (payload: any) => boolean; resolve: (at: number | null) => void; timer: NodeJS.Timeout }> = [];
  private readonly seen: Array<{ name: string; payload: any; at: number }> = [];
  errors: any[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: any) => {
      const at = performance.now();
      if (name === 'error') this.errors.push(payload);
      const waiter = this.waiters.findIndex((w) => w.name === name && w.match(payload));
      if (waiter >= 0) {
        const [w] = this.waiters.splice(waiter, 1);
        clearTimeout(w!.timer);
        w!.resolve(at);
      } else if (this.seen.length < 200) this.seen.push({ name, payload, at });
    });
  }

  /** Connects to `url` (Parley's practice namespace by default; the raw server's root namespace with `namespace: ''`). */
  static async connect(url: string, token: string | null, namespace = PRACTICE_NAMESPACE): Promise<TimedClient> {
    const socket = io(`${url}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new TimedClient(socket);
  }

  ask(event: string, payload: unknown, timeoutMs = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event}: no ack within ${timeoutMs} ms`)), timeoutMs);
      this.socket.emit(event, payload, (answer: unknown) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /** performance.now() when the first matching event arrived (already or later); null after `timeoutMs`. */
  next(name: string, match: (payload: any) => boolean, timeoutMs: number): Promise<number | null> {
    const early = this.seen.findIndex((e) => e.name === name && match(e.payload));
    if (early >= 0) return Promise.resolve(this.seen.splice(early, 1)[0]!.at);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.waiters.findIndex((w) => w.timer === timer);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push({ name, match, resolve, timer });
    });
  }

  close(): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    this.socket.close();
  }
}

/** A published copy of the support scenario with the given end criteria (long, by default: nothing ends a run early). */
export async function benchScenario(
  gateway: string,
  endCriteria: Partial<ScenarioView['endCriteria']> = { maxTurns: 200, maxDurationSec: 3600, idleTimeoutSec: 600 },
): Promise<string> {
  const token = await devToken(gateway, 'bench-author', ['author']);
  const base = (await api<ScenarioView>(gateway, 'GET', '/api/scenarios/support-double-charge', { token })).body;
  return scenarioWithEndCriteria(gateway, token, base, endCriteria);
}

/** Creates a session, retrying briefly (creation is not what is measured). */
export async function newSession(gateway: string, token: string, scenarioId: string, mode: 'turn' | 'text' | 'realtime'): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const created = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId, mode, clientSessionStartedAt: new Date().toISOString() },
    });
    if (created.status === 201) return created.body.session.id;
    if (attempt >= 3) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
    await new Promise((done) => setTimeout(done, 500));
  }
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.allSettled(items.slice(i, i + limit).map(task))));
  return results;
}
