import { AppError, RT_FRAME_MAX_BYTES, RT_FRAME_MIN_BYTES, encodeRtFrame } from '@parley/contracts';
import { requireSessionId } from '../sessions/session-id';

/** At 10 ms per frame (the shortest allowed) a client sends 100 a second; anything much faster is abuse. */
const MAX_FRAMES_PER_SECOND = 120;

export interface ParsedFrame {
  sessionId: string;
  /** The frame as it goes on NATS ({@link encodeRtFrame}). */
  wire: Uint8Array;
}

/**
 * The hot path of realtime audio (up to 100 frames a second per trainee): validated by hand, without schemas or
 * Redis round trips, and counted against a per-socket budget kept in memory.
 */
export class FrameBudget {
  private windowStart = 0;
  private count = 0;

  take(now = Date.now()): void {
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    if (this.count > MAX_FRAMES_PER_SECOND) {
      throw new AppError('rate_limited', `At most ${MAX_FRAMES_PER_SECOND} audio frames a second; send 20 ms frames`, { retryAfterSec: 1 });
    }
  }
}

export function parseFrame(payload: unknown, arrivedAt = performance.timeOrigin + performance.now()): ParsedFrame {
  if (typeof payload !== 'object' || payload === null) throw new AppError('validation_failed', 'audio_frame needs {sessionId, seq, pcm}');
  const { sessionId, seq, pcm } = payload as { sessionId?: unknown; seq?: unknown; pcm?: unknown };
  if (typeof sessionId !== 'string') throw new AppError('validation_failed', 'audio_frame needs the sessionId');
  const id = requireSessionId(sessionId);
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) {
    throw new AppError('validation_failed', 'audio_frame seq must be a whole number counting up from 0');
  }
  const bytes = Buffer.isBuffer(pcm) ? pcm : pcm instanceof ArrayBuffer ? Buffer.from(pcm) : ArrayBuffer.isView(pcm) ? Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength) : null;
  if (!bytes) throw new AppError('validation_failed', 'audio_frame pcm must be binary 16 kHz mono PCM16');
  if (bytes.length < RT_FRAME_MIN_BYTES || bytes.length > RT_FRAME_MAX_BYTES || bytes.length % 2 !== 0) {
    throw new AppError('validation_failed', `audio_frame pcm must hold 10 to 100 ms of 16 kHz PCM16 (${RT_FRAME_MIN_BYTES} to ${RT_FRAME_MAX_BYTES} bytes, even)`);
  }
  return { sessionId: id, wire: encodeRtFrame(seq, arrivedAt, bytes) };
}
