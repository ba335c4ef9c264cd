import { Inject, Injectable } from '@nestjs/common';
import { encodeMp3OffThread, resampleLinear } from '@parley/audio';
import { Events, type GenerationRecord, type RealtimeEngine, type TurnView } from '@parley/contracts';
import { PRISMA, type PracticeSession, type PrismaClient } from '@parley/db';
import { Outbox } from '@parley/outbox';
import { ObjectStorage, audioKey } from '@parley/storage';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { turnView } from '../sessions/session-views';
import type { AiTurnRecord, AudioRecord, StorePort, TraineeUtteranceRecord } from './ports';

/** Speech at 16 kHz fits 43 s of MP3 in 128 KB at this rate (STACK.md); the replay needs no more. */
const REPLAY_KBPS = 24;
const REPLAY_RATE = 16_000;

/**
 * The durable records of a live conversation (SPEC §7.3): each utterance and AI turn as a Turn (text, MP3 for the
 * replay, times, interruption, transitions, latency), every generation with its outcome, and `TurnRecorded` through
 * the outbox, all in one transaction per turn. Audio goes to storage first; a failed transaction removes it again.
 */
@Injectable()
export class RealtimeStore {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
  ) {}

  /** The store port of one session's conversation. */
  forSession({ id: sessionId, userId }: Pick<PracticeSession, 'id' | 'userId'>, engine: () => RealtimeEngine): StorePort {
    return {
      traineeUtterance: (record) => this.traineeUtterance(sessionId, userId, record),
      aiTurn: (record) => this.aiTurn(sessionId, userId, record, engine()),
      generations: (records) => this.generations(sessionId, null, records, engine(), this.prisma),
    };
  }

  private async traineeUtterance(sessionId: string, userId: string, record: TraineeUtteranceRecord): Promise<TurnView> {
    return this.store(sessionId, userId, record.sequence, record.turnId, 'trainee', record.audio, async (key, bytes, durationMs) => ({
      id: record.turnId,
      sessionId,
      sequence: record.sequence,
      speaker: 'trainee' as const,
      text: record.text,
      audioKey: key,
      audioBytes: bytes,
      durationMs,
      startedAt: new Date(record.startedAt),
      endedAt: new Date(record.endedAt),
      transcriptionStatus: 'done' as const,
      transitions: record.transitions as object[],
      latency: record.latency as object,
    }));
  }

  private async aiTurn(sessionId: string, userId: string, record: AiTurnRecord, engine: RealtimeEngine): Promise<TurnView> {
    const view = await this.store(sessionId, userId, record.sequence, record.turnId, 'ai', record.audio, async (key, bytes, durationMs) => ({
      id: record.turnId,
      sessionId,
      sequence: record.sequence,
      speaker: 'ai' as const,
      text: record.text,
      audioKey: key,
      audioBytes: bytes,
      durationMs: record.audio ? durationMs : record.durationMs,
      startedAt: new Date(record.startedAt),
      endedAt: new Date(record.endedAt),
      interrupted: record.interrupted,
      heardMs: record.heardMs,
      transitions: record.transitions as object[],
      latency: record.latency as object,
      engine,
    }), (tx) => this.generations(sessionId, record.turnId, record.generations, engine, tx));
    return view;
  }

  private async generations(
    sessionId: string,
    turnId: string | null,
    records: GenerationRecord[],
    engine: RealtimeEngine,
    db: Pick<PrismaClient, 'generation'>,
  ): Promise<void> {
    if (!records.length) return;
    await db.generation.createMany({
      data: records.map((g) => ({
        id: g.id,
        sessionId,
        turnId,
        outcome: g.outcome,
        tokens: g.tokens,
        engine,
        cancelReason: g.cancelReason ?? null,
        startedAt: new Date(g.startedAt),
        firstTokenAt: g.firstTokenAt ? new Date(g.firstTokenAt) : null,
        endedAt: new Date(g.endedAt),
      })),
      skipDuplicates: true,
    });
  }

  private async store(
    sessionId: string,
    userId: string,
    sequence: number,
    turnId: string,
    speaker: 'ai' | 'trainee',
    audio: AudioRecord | null,
    row: (key: string | null, bytes: number | null, durationMs: number) => Promise<Parameters<PrismaClient['turn']['create']>[0]['data']>,
    more?: (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => Promise<void>,
  ): Promise<TurnView> {
    let key: string | null = null;
    let bytes: number | null = null;
    let durationMs = 0;
    if (audio && audio.pcm.length) {
      durationMs = Math.round((audio.pcm.length / audio.sampleRate) * 1000);
      // At 24 kbit/s LAME keeps only 16 kHz (it would resample 24 kHz speech and encodeMp3 refuses that).
      // Off the event loop: this process handles every live session's frames.
      const mp3 = await encodeMp3OffThread(resampleLinear(audio.pcm, audio.sampleRate, REPLAY_RATE), REPLAY_RATE, REPLAY_KBPS);
      key = `${audioKey(sessionId, sequence, speaker).replace(/\.mp3$/, '')}-${turnId}.mp3`;
      bytes = mp3.length;
      await this.storage.put(key, mp3, 'audio/mpeg');
    }
    const data = await row(key, bytes, durationMs);
    try {
      const stored = await this.outbox.transaction(async (tx, out) => {
        const turn = await tx.turn.create({ data });
        await tx.practiceSession.updateMany({
          where: { id: sessionId, nextSequence: { lte: sequence } },
          data: { nextSequence: sequence + 1, lastActivityAt: new Date(), ...(speaker === 'trainee' ? { traineeTurnCount: { increment: 1 } } : {}) },
        });
        await more?.(tx);
        await out.event(Events.TurnRecorded, { sessionId, userId, turnId, sequence, speaker, mode: 'realtime' }, `turn-recorded-${turnId}`);
        return turn;
      });
      return turnView(stored, key ? await this.storage.presignGet(key, this.config.AUDIO_URL_TTL_SEC) : null);
    } catch (error) {
      if (key) await this.storage.delete(key).catch(() => undefined);
      throw error;
    }
  }
}
