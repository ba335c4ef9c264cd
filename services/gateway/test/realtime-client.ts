import { synthesizeFlite, toInt16 } from '@parley/audio';
import { PRACTICE_NAMESPACE, RT_SAMPLE_RATE } from '@parley/contracts';
import { sleep } from '@parley/testing';
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

  all(name: string): any[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}
