import { synthesizeFlite, toInt16 } from '@parley/audio';
import { PRACTICE_NAMESPACE, RT_SAMPLE_RATE } from '@parley/contracts';
import { api, sleep } from '@parley/testing';
import { io } from 'socket.io-client';
import type { PracticeSocket } from './practice-client';

const FRAME_SAMPLES = RT_SAMPLE_RATE / 50; // 20 ms

/** 16 kHz PCM16 of `text` spoken by Flite (the voice of a trainee in tests). */
export async function speechPcm(text: string): Promise<Int16Array> {
  const speech = await synthesizeFlite(text, { voice: 'rms' });
  if (speech.sampleRate !== RT_SAMPLE_RATE) throw new Error(`Flite spoke at ${speech.sampleRate} Hz`);
  return toInt16(speech.pcm);
}

export const silencePcm = (ms: number) => new Int16Array((RT_SAMPLE_RATE * ms) / 1000);

/** A realtime client: records every event with the time it arrived, sends audio at real-time pace. */
export class RealtimeClient {
  readonly events: Array<{ name: string; payload: any; at: number }> = [];
  private seq = 0;
  /** While true, {@link playAll} does not report playback (a test reports it itself). */
  playAllPaused = false;

  private constructor(readonly socket: PracticeSocket) {}

  static async connect(gateway: string, token: string): Promise<RealtimeClient> {
    const socket: PracticeSocket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    const client = new RealtimeClient(socket);
    socket.onAny((name: string, payload: unknown) => client.events.push({ name, payload, at: performance.now() }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  ask(event: string, payload: unknown): Promise<any> {
    return new Promise((resolve) => (this.socket.emit as any)(event, payload, resolve));
  }

  send(event: string, payload: unknown): void {
    (this.socket.emit as any)(event, payload);
  }

  /** Sends `pcm` as 20 ms frames, each at its real time. Resolves with the wall time the last frame was sent. */
  async speak(sessionId: string, pcm: Int16Array, options: { stopWhen?: () => boolean } = {}): Promise<number> {
    const started = performance.now();
    for (let at = 0, n = 0; at < pcm.length; at += FRAME_SAMPLES, n++) {
      if (options.stopWhen?.()) break;
      const frame = pcm.slice(at, at + FRAME_SAMPLES);
      const padded = frame.length === FRAME_SAMPLES ? frame : Int16Array.from({ length: FRAME_SAMPLES }, (_, i) => frame[i] ?? 0);
      this.send('audio_frame', { sessionId, seq: this.seq++, pcm: Buffer.from(padded.buffer) });
      const due = started + (n + 1) * 20;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    return performance.now();
  }

  /** The first event of `name` after index `from` that satisfies `match`. */
  async next(name: string, match: (payload: any) => boolean = () => true, timeoutMs = 20_000, from = 0): Promise<{ payload: any; at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.name === name && match(e.payload));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no ${name} within ${timeoutMs} ms; got ${this.events.slice(from).map((e) => (e.name === 'state_change' ? `${e.payload.from}>${e.payload.to}` : e.name)).join(',')}`);
      }
      await sleep(10);
    }
  }

  /** Milliseconds of AI audio received for `turnId`. */
  audioMs(turnId: string): number {
    return this.all('ai_audio_chunk')
      .filter((c) => c.turnId === turnId)
      .reduce((sum, c) => sum + (c.pcm.byteLength / 2 / c.sampleRate) * 1000, 0);
  }

  /** Index of the next event to be recorded (a mark to look for events after). */
  get mark(): number {
    return this.events.length;
  }

  all(name: string): any[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}

/** `pcm` without its leading and trailing quiet (Flite pads its speech), so scripted pauses are the pauses heard. */
export function trimSilence(pcm: Int16Array, threshold = 600): Int16Array {
  let start = 0;
  let end = pcm.length;
  while (start < end && Math.abs(pcm[start]) < threshold) start++;
  while (end > start && Math.abs(pcm[end - 1]) < threshold) end--;
  return pcm.slice(start, end);
}

/** Speech and silences one after another. */
export const joinPcm = (...parts: Int16Array[]) => Int16Array.from(parts.flatMap((part) => [...part]));

/** Creates a realtime session of `scenarioId` for the caller of `token`. */
export async function realtimeSession(gateway: string, token: string, scenarioId = 'support-double-charge', mode = 'realtime'): Promise<string> {
  const created = await api(gateway, 'POST', '/api/sessions', {
    token,
    body: { scenarioId, mode, clientSessionStartedAt: new Date().toISOString() },
  });
  if (created.status !== 201) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.session.id;
}

/** Reports every AI turn as played to its end as soon as its last chunk arrives (a client whose playback keeps up). */
export function playAll(client: RealtimeClient, sessionId: string): void {
  client.socket.on('ai_audio_chunk' as never, ((chunk: { turnId: string; final: boolean }) => {
    if (!chunk.final || client.playAllPaused) return;
    client.send('playback', { sessionId, turnId: chunk.turnId, playedMs: Math.round(client.audioMs(chunk.turnId)) });
  }) as never);
}

/** `from>to` of the state changes recorded since index `from`. */
export function statesSince(client: RealtimeClient, from: number): string[] {
  return client.events
    .slice(from)
    .filter((e) => e.name === 'state_change')
    .map((e) => `${e.payload.from}>${e.payload.to}`);
}
