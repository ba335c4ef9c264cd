import { decodeMp3, encodeMp3, synthesizeFlite } from '@parley/audio';
import {
  PRACTICE_NAMESPACE,
  type ClientToServerEvents,
  type ScenarioView,
  type ServerToClientEvents,
  type SessionState,
  type TurnView,
} from '@parley/contracts';
import { api } from '@parley/testing';
import { io, type Socket } from 'socket.io-client';

export type PracticeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** MP3 of `text` spoken by Flite at 16 kHz mono: what the web client sends. */
export async function spokenMp3(text: string): Promise<Buffer> {
  const speech = await synthesizeFlite(text, { voice: 'rms' });
  return encodeMp3(speech.pcm, speech.sampleRate, 32);
}

/** A socket.io client of the practice namespace that records every pushed event. */
export class PracticeClient {
  readonly events: Array<{ name: keyof ServerToClientEvents; payload: any }> = [];
  private constructor(readonly socket: PracticeSocket) {}

  static async connect(gateway: string, token: string): Promise<PracticeClient> {
    const socket: PracticeSocket = io(`${gateway}${PRACTICE_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    const client = new PracticeClient(socket);
    for (const name of ['ai_turn', 'transcript', 'termination', 'evaluation_ready', 'error'] as const) {
      socket.on(name as never, ((payload: unknown) => client.events.push({ name, payload })) as never);
    }
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  emit<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<any> {
    return new Promise((resolve) => (this.socket.emit as any)(event, payload, resolve));
  }

  /** A trainee turn of `spokenMs` that ended just now; resolves with its acknowledgement. */
  turn(sessionId: string, sequence: number, audio: Buffer, spokenMs = 4000): Promise<any> {
    const endedAt = Date.now();
    return this.emit('trainee_turn', {
      sessionId,
      sequence,
      startedAt: new Date(endedAt - spokenMs).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      audio,
    });
  }

  async join(sessionId: string): Promise<SessionState> {
    const ack = await this.emit('join', { sessionId });
    if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack.error)}`);
    return ack as SessionState;
  }

  /** Resolves with the first pushed event of `name` that satisfies `match` (already received or still to come). */
  async next(name: keyof ServerToClientEvents, match: (payload: any) => boolean = () => true, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.name === name && match(e.payload));
      if (found) return found.payload;
      if (Date.now() > deadline) throw new Error(`no ${name} within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.name))}`);
      await new Promise((wake) => setTimeout(wake, 25));
    }
  }

  close(): void {
    this.socket.close();
  }
}

export async function createSession(gateway: string, token: string, scenarioId: string) {
  return api(gateway, 'POST', '/api/sessions', {
    token,
    body: { scenarioId, mode: 'turn', clientSessionStartedAt: new Date().toISOString() },
  });
}

/** The AI's audio must be a playable MP3 fetched from its presigned URL. */
export async function expectPlayableAudio(turn: TurnView): Promise<number> {
  const response = await fetch(turn.audioUrl!);
  if (response.status !== 200) throw new Error(`audio URL answered ${response.status}`);
  const decoded = await decodeMp3(new Uint8Array(await response.arrayBuffer()));
  return decoded.durationMs;
}

/** A published copy of `base` with other end criteria, made through the authoring API. */
export async function scenarioWithEndCriteria(
  gateway: string,
  authorToken: string,
  base: ScenarioView,
  endCriteria: Partial<ScenarioView['endCriteria']>,
): Promise<string> {
  const { id: _id, version: _v, status: _s, estimatedMinutes: _e, offlineRoleplayer: _o, createdAt: _c, updatedAt: _u, ...content } = base;
  const draft = await api(gateway, 'POST', '/api/scenarios', {
    token: authorToken,
    body: { ...content, title: `${content.title} (own end criteria)`, endCriteria: { ...content.endCriteria, ...endCriteria } },
  });
  if (draft.status !== 201) throw new Error(`draft failed: ${JSON.stringify(draft.body)}`);
  const published = await api(gateway, 'POST', `/api/scenarios/${draft.body.id}/publish`, { token: authorToken });
  if (published.status !== 200) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
  return draft.body.id;
}
