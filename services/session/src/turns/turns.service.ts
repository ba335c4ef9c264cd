import { Inject, Injectable, Logger } from '@nestjs/common';
import { probeMp3 } from '@parley/audio';
import {
  AppError,
  Events,
  MAX_TURN_AUDIO_BYTES,
  TraineeTurnMetaSchema,
  chatStreamId,
  parseOrThrow,
  type Caller,
  type EventPayload,
  type TurnAck,
  type TurnView,
} from '@parley/contracts';
import { Outbox } from '@parley/outbox';
import { PRISMA, type PracticeSession, type PrismaClient } from '@parley/db';
import { Metrics } from '@parley/observability';
import { ObjectStorage, audioKey } from '@parley/storage';
import type { Histogram } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { isOpen } from '../sessions/session-state-machine';
import { turnView } from '../sessions/session-views';
import { SessionTimers } from '../timers/session-timers.service';
import { ChatStreams } from '../chat/chat-streams';

export interface SubmitTurnInput {
  sessionId: unknown;
  meta: unknown;
  audioBase64: unknown;
}

/** A turn may not claim to have lasted longer than this (a sanity bound on client timestamps). */
const MAX_TURN_SPAN_MS = 10 * 60_000;

/**
 * Turn acceptance (SPEC §4.4) and the recording of what the workers produce. Validation runs before anything is
 * stored, audio is stored before its row exists, and a failed insert removes the object again: no error path
 * leaves half a turn behind.
 */
@Injectable()
export class TurnsService {
  private readonly logger = new Logger(TurnsService.name);

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
    private readonly lifecycle: SessionLifecycle,
    private readonly timers: SessionTimers,
    private readonly chatStreams: ChatStreams,
    metrics: Metrics,
  ) {
    this.acceptSeconds = metrics.histogram('turn_accept_seconds', 'Trainee turn acceptance time (SPEC §4: under 0.5 s)', ['outcome'], [
      0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2,
    ]);
  }

  private readonly acceptSeconds: Histogram;

  async submit(caller: Caller, input: SubmitTurnInput): Promise<TurnAck> {
    const stop = this.acceptSeconds.startTimer();
    try {
      const ack = await this.accept(caller, input);
      stop({ outcome: 'accepted' });
      return ack;
    } catch (error) {
      stop({ outcome: error instanceof AppError ? error.code : 'internal' });
      throw error;
    }
  }

  private async accept(caller: Caller, input: SubmitTurnInput): Promise<TurnAck> {
    const session = await this.lifecycle.owned(caller, input.sessionId);
    const audio = decodeBase64(input.audioBase64);
    if (audio && audio.length > MAX_TURN_AUDIO_BYTES) {
      throw new AppError(
        'payload_too_large',
        `A turn may carry at most ${MAX_TURN_AUDIO_BYTES / 1024} KB of audio; record a shorter turn or use a lower bitrate (16 kHz mono at 24-32 kbps)`,
      );
    }
    if (!isOpen(session.status)) throw new AppError('session_ended', 'This practice has ended; start a new one to continue');
    const meta = parseOrThrow(TraineeTurnMetaSchema, input.meta ?? {}, 'turn');
    const startedAt = new Date(meta.startedAt);
    const endedAt = new Date(meta.endedAt);
    const span = endedAt.getTime() - startedAt.getTime();
    if (span < 0 || span > MAX_TURN_SPAN_MS) {
      throw new AppError('invalid_timestamps', 'endedAt must follow startedAt, and a turn may last at most 10 minutes', {
        issues: [{ path: 'endedAt', message: `turn spans ${span} ms` }],
      });
    }

    const existing = await this.prisma.turn.findUnique({
      where: { sessionId_sequence: { sessionId: session.id, sequence: meta.sequence } },
    });
    if (existing) {
      const same =
        existing.speaker === 'trainee' &&
        existing.startedAt.getTime() === startedAt.getTime() &&
        existing.endedAt.getTime() === endedAt.getTime() &&
        (!audio || existing.audioBytes === audio.length);
      if (same) return { ok: true, turnId: existing.id, sequence: existing.sequence };
      throw new AppError('sequence_conflict', `Turn ${meta.sequence} already exists; the next turn is ${session.nextSequence}`);
    }
    if (meta.sequence % 2 === 0) {
      // Turns alternate from the AI's opening (0): even sequences are the AI's.
      throw new AppError('sequence_conflict', `Turn ${meta.sequence} is the AI's; wait for the AI to reply before speaking again`);
    }
    if (meta.sequence !== session.nextSequence) {
      const hint =
        meta.sequence > session.nextSequence
          ? 'wait for the AI to reply before speaking again'
          : `the next turn is ${session.nextSequence}`;
      throw new AppError('sequence_conflict', `Unexpected turn ${meta.sequence}: ${hint}`);
    }

    if (!audio || audio.length === 0) throw invalidAudio('No audio was sent with the turn');
    // Throws InvalidAudioError (422 invalid_audio, resend allowed) for stereo, garbage or truncated audio. The frame
    // walk gives the duration too: decoding the whole turn here (a WASM decoder per call, 25+ ms of blocked event
    // loop for 3 s of speech) was most of the acknowledgement's time; the transcriber decodes it anyway.
    const { durationMs } = probeMp3(audio);

    const turnId = randomUUID();
    const key = `${audioKey(session.id, meta.sequence, 'trainee').replace(/\.mp3$/, '')}-${turnId}.mp3`;
    await this.storage.put(key, audio, 'audio/mpeg');
    try {
      await this.recordTraineeTurn(session, { turnId, key, sequence: meta.sequence, startedAt, endedAt, bytes: audio.length, durationMs });
    } catch (error) {
      await this.storage.delete(key).catch(() => undefined);
      if ((error as { code?: string }).code === 'P2002' || error instanceof AppError) {
        throw error instanceof AppError ? error : new AppError('sequence_conflict', `Turn ${meta.sequence} was just taken`);
      }
      throw error;
    }
    return { ok: true, turnId, sequence: meta.sequence };
  }

  /**
   * The turn row, the session's new counters and idle deadline, and the announcement that work may start commit
   * together. The trainee's acknowledgement waits for that commit only: relaying the announcement and removing the
   * replaced idle timer follow it.
   */
  private async recordTraineeTurn(
    session: PracticeSession,
    turn: { turnId: string; key: string; sequence: number; startedAt: Date; endedAt: Date; bytes: number; durationMs: number },
  ): Promise<void> {
    const content = await this.lifecycle.scenarioVersion(session);
    const now = new Date();
    const idleAt = new Date(now.getTime() + content.endCriteria.idleTimeoutSec * 1000);
    await this.outbox.transactionRelayingLater(async (tx, out) => {
      // Claims the sequence: only one of two racing submissions passes this conditional update.
      const claimed = await tx.practiceSession.updateMany({
        where: { id: session.id, nextSequence: turn.sequence, status: { in: ['pending', 'active'] } },
        data: { nextSequence: turn.sequence + 1, traineeTurnCount: { increment: 1 }, lastActivityAt: now, idleAt },
      });
      if (claimed.count === 0) throw new AppError('sequence_conflict', `Turn ${turn.sequence} was just taken or the session ended`);
      await tx.turn.create({
        data: {
          id: turn.turnId,
          sessionId: session.id,
          sequence: turn.sequence,
          speaker: 'trainee',
          audioKey: turn.key,
          audioBytes: turn.bytes,
          durationMs: turn.durationMs,
          startedAt: turn.startedAt,
          endedAt: turn.endedAt,
          transcriptionStatus: 'pending',
        },
      });
      await this.timers.armIdle(out, session.id, idleAt);
      await out.event(
        Events.TraineeTurnAccepted,
        { sessionId: session.id, turnId: turn.turnId, sequence: turn.sequence, audioKey: turn.key, acceptedAt: now.getTime() },
        `turn-accepted-${turn.turnId}`,
      );
    });
    void this.timers.disarmIdle(session.id, session.idleAt, idleAt);
  }

  /** One turn with a fresh audio URL (used by the gateway to push `ai_turn`). */
  async get(sessionId: unknown, turnId: unknown): Promise<TurnView> {
    if (typeof sessionId !== 'string' || typeof turnId !== 'string') throw new AppError('not_found', 'No such turn');
    const turn = await this.prisma.turn.findFirst({ where: { id: turnId, sessionId } }).catch(() => null);
    if (!turn) throw new AppError('not_found', 'No such turn');
    return turnView(turn, await this.lifecycle.audioUrl(turn.audioKey));
  }

  /** Stores a transcript from the ASR service; a redelivered event rewrites the same values. */
  async storeTranscript(event: EventPayload<typeof Events.TurnTranscribed>): Promise<void> {
    const turn = await this.prisma.turn.findUnique({ where: { id: event.turnId } });
    if (!turn) return; // the session was deleted meanwhile
    const latency = { ...((turn.latency as object | null) ?? {}), transcriptMs: event.transcriptMs };
    await this.prisma.turn.update({
      where: { id: event.turnId },
      data: {
        text: event.status === 'done' ? event.text : turn.text,
        transcriptionStatus: event.status,
        transcriptionError: event.error ?? null,
        latency,
      },
    });
  }

  /**
   * Records the AI's turn (idempotent on session + sequence), re-arms the idle timer, publishes `TurnRecorded`
   * and ends the session when the objective check decided or the turn budget is spent.
   */
  async recordAiReply(event: EventPayload<typeof Events.AiReplyReady>): Promise<void> {
    const session = await this.prisma.practiceSession.findUnique({ where: { id: event.sessionId } });
    if (!session) {
      await this.deleteAudio(event.audioKey);
      return;
    }
    if (!isOpen(session.status)) {
      // Stopped while the reply was being made: the practice is over, the reply was never heard.
      const recorded = await this.prisma.turn.findUnique({
        where: { sessionId_sequence: { sessionId: session.id, sequence: event.sequence } },
      });
      if (!recorded) await this.deleteAudio(event.audioKey);
      return;
    }
    const content = await this.lifecycle.scenarioVersion(session);
    const now = new Date();
    const idleAt = new Date(now.getTime() + content.endCriteria.idleTimeoutSec * 1000);
    const turn = await this.outbox.transaction(async (tx, out) => {
      const stored = await tx.turn.upsert({
        where: { sessionId_sequence: { sessionId: session.id, sequence: event.sequence } },
        create: {
          sessionId: session.id,
          sequence: event.sequence,
          speaker: 'ai',
          text: event.text,
          audioKey: event.audioKey,
          audioBytes: event.audioBytes,
          durationMs: event.durationMs,
          startedAt: new Date(event.startedAt),
          endedAt: new Date(event.endedAt),
          latency: event.latency,
        },
        update: {},
      });
      await tx.practiceSession.updateMany({
        where: { id: session.id, nextSequence: { lte: event.sequence } },
        // The trainee needs time to answer: the idle clock restarts once the AI has spoken.
        data: { nextSequence: event.sequence + 1, lastActivityAt: now, idleAt, offlineRoleplayer: event.offlineRoleplayer },
      });
      await this.timers.armIdle(out, session.id, idleAt);
      await out.event(
        Events.TurnRecorded,
        { sessionId: session.id, userId: session.userId, turnId: stored.id, sequence: stored.sequence, speaker: 'ai', mode: session.mode },
        `turn-recorded-${stored.id}`,
      );
      return stored;
    });
    await this.timers.disarmIdle(session.id, session.idleAt, idleAt);
    if (session.mode === 'text') {
      // The reply's stream ends with the turn as stored: what the reader sees last equals what was recorded.
      await this.chatStreams.close(chatStreamId(session.id, turn.sequence), { type: 'done', turn: turnView(turn, null) });
    }
    if (event.outcome !== 'continue') {
      await this.lifecycle.end(session.id, event.outcome);
    } else if (session.traineeTurnCount >= content.endCriteria.maxTurns) {
      await this.lifecycle.end(session.id, 'max_turns');
    }
  }

  private async deleteAudio(key: string | undefined): Promise<void> {
    if (key) await this.storage.delete(key).catch(() => undefined);
  }

  async providerFailed(event: EventPayload<typeof Events.ProviderFailed>): Promise<void> {
    this.logger.warn({ sessionId: event.sessionId, role: event.role, reason: event.message }, 'provider failed; ending session');
    const session = await this.prisma.practiceSession.findUnique({ where: { id: event.sessionId } });
    if (session && isOpen(session.status)) await this.lifecycle.end(session.id, 'provider_error');
  }
}

function decodeBase64(value: unknown): Buffer | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalidAudio('Audio must be MP3 bytes');
  return Buffer.from(value, 'base64');
}

function invalidAudio(detail: string): AppError {
  return new AppError('invalid_audio', `${detail}; please resend the turn as mono MP3`);
}
