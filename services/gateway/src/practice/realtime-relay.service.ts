import { Injectable } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { RealtimeSubjects, sessionRoom, type RtRelayedEvent } from '@parley/contracts';
import type { PracticeNamespace } from './socket-types';

/**
 * Brings a live conversation's events (published by the session replica that owns it) to the sockets of this
 * gateway that joined the session. Each gateway listens only for sessions its own sockets joined, and emits only to
 * its own sockets, so an event reaches every trainee socket exactly once whichever gateway holds it.
 */
@Injectable()
export class RealtimeRelay {
  private readonly listeners = new Map<string, { sockets: number; stop: () => void }>();

  constructor(private readonly bus: Bus) {}

  /** A socket of this gateway joined `sessionId`; returns what to call when it leaves. */
  follow(namespace: PracticeNamespace, sessionId: string): () => void {
    let entry = this.listeners.get(sessionId);
    if (!entry) {
      const room = sessionRoom(sessionId);
      const stop = this.bus.onSignal(RealtimeSubjects.events(sessionId), (message) => {
        const { event, payload } = message as RtRelayedEvent;
        const local = namespace.local.to(room) as unknown as { emit(event: string, payload: unknown): void };
        if (event === 'ai_audio_chunk') {
          const chunk = payload as { pcm: string };
          local.emit(event, { ...chunk, pcm: Buffer.from(chunk.pcm, 'base64') });
        } else {
          local.emit(event, payload);
        }
      });
      entry = { sockets: 0, stop };
      this.listeners.set(sessionId, entry);
    }
    entry.sockets += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const current = this.listeners.get(sessionId);
      if (!current) return;
      current.sockets -= 1;
      if (current.sockets === 0) {
        current.stop();
        this.listeners.delete(sessionId);
      }
    };
  }

  /** Sockets of this gateway following `sessionId`. */
  followers(sessionId: string): number {
    return this.listeners.get(sessionId)?.sockets ?? 0;
  }
}
