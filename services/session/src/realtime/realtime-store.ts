import { Inject, Injectable } from '@nestjs/common';
import { encodeMp3OffThread, resampleLinear } from '@parley/audio';
import { Events, type GenerationRecord, type RealtimeEngine, type TurnView } from '@parley/contracts';
import { PRISMA, Prisma, type PracticeSession, type PrismaClient, type Turn } from '@parley/db';
import { Outbox } from '@parley/outbox';
import { ObjectStorage, audioKey } from '@parley/storage';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { turnView } from '../sessions/session-views';
import type { AiTurnRecord, AudioRecord, StorePort, TraineeUtteranceRecord } from './ports';

/** Speech at 16 kHz fits 43 s of MP3 in 128 KB at this rate (STACK.md); the replay needs no more. */
const REPLAY_KBPS = 24;
const REPLAY_RATE = 16_000;

/** A stored turn, and how many trainee turns the session has stored: the `maxTurns` check needs no other read. */
export interface StoredTurn {
  view: TurnView;
  traineeTurnCount: number;
}

/** The store of one session's conversation: the {@link StorePort}, its AI turns with the session's trainee turn count. */
export interface SessionStore extends Omit<StorePort, 'aiTurn'> {
  aiTurn(record: AiTurnRecord): Promise<StoredTurn>;
}

/**
 * The durable records of a live conversation (SPEC §7.3): each utterance and AI turn as a Turn (text, MP3 for the
 * replay, times, interruption, transitions, latency), every generation with its outcome, and `TurnRecorded` through
 * the outbox, all in one transaction per turn. Audio goes to storage first; a failed transaction removes it again.
 *
 * Every live session on a replica writes here several times a minute, so each turn is one SQL statement: the turn,
 * its generations, the outbox entry and the session's counters as data-modifying CTEs. One round trip, atomic without
 * an interactive transaction, and no Prisma query compiled on the event loop that handles every session's frames.
 */
@Injectable()
export class RealtimeStore {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
  ) {}

  /** The store of one session's conversation. */
  forSession({ id: sessionId, userId }: Pick<PracticeSession, 'id' | 'userId'>, engine: () => RealtimeEngine): SessionStore {
    return {
      traineeUtterance: async (record) => (await this.traineeUtterance(sessionId, userId, record)).view,
      aiTurn: (record) => this.aiTurn(sessionId, userId, record, engine()),
      generations: async (records) => {
        if (records.length) await this.prisma.$executeRaw(insertGenerations(sessionId, null, records, engine()));
      },
    };
  }

  private traineeUtterance(sessionId: string, userId: string, record: TraineeUtteranceRecord): Promise<StoredTurn> {
    return this.store(sessionId, userId, record.turnId, record.sequence, 'trainee', record.audio, null, (key, bytes, durationMs) => ({
      ...NO_TURN_EXTRAS,
      id: record.turnId,
      sessionId,
      sequence: record.sequence,
      speaker: 'trainee',
      text: record.text,
      audioKey: key,
      audioBytes: bytes,
      durationMs,
      startedAt: new Date(record.startedAt),
      endedAt: new Date(record.endedAt),
      transcriptionStatus: 'done',
      transitions: record.transitions as object[],
      latency: record.latency as object,
    }));
  }

  private aiTurn(sessionId: string, userId: string, record: AiTurnRecord, engine: RealtimeEngine): Promise<StoredTurn> {
    const generations = record.generations.length ? insertGenerations(sessionId, record.turnId, record.generations, engine) : null;
    return this.store(sessionId, userId, record.turnId, record.sequence, 'ai', record.audio, generations, (key, bytes, durationMs) => ({
      ...NO_TURN_EXTRAS,
      id: record.turnId,
      sessionId,
      sequence: record.sequence,
      speaker: 'ai',
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
    }));
  }

  private async store(
    sessionId: string,
    userId: string,
    turnId: string,
    sequence: number,
    speaker: 'ai' | 'trainee',
    audio: AudioRecord | null,
    /** The INSERT of the generations stored with the turn, if any. */
    generations: Prisma.Sql | null,
    row: (key: string | null, bytes: number | null, durationMs: number) => NewTurn,
  ): Promise<StoredTurn> {
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
    const turn = row(key, bytes, durationMs);
    try {
      const now = new Date();
      const [stored] = await this.outbox.statement<{ trainee_turn_count: number }>((out) => Prisma.sql`
        WITH turn AS (${insertTurn(turn, now)}),
        ${generations ? Prisma.sql`generations AS (${generations}),` : Prisma.empty}
        announced AS (${out.event(Events.TurnRecorded, { sessionId, userId, turnId, sequence, speaker, mode: 'realtime' }, `turn-recorded-${turnId}`)}),
        counters AS (
          UPDATE practice_sessions
             SET next_sequence = ${sequence + 1}::int, last_activity_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
                 trainee_turn_count = trainee_turn_count + ${speaker === 'trainee' ? 1 : 0}::int
           WHERE id = ${sessionId}::uuid AND next_sequence <= ${sequence}::int
       RETURNING trainee_turn_count)
        SELECT COALESCE((SELECT trainee_turn_count FROM counters), (SELECT trainee_turn_count FROM practice_sessions WHERE id = ${sessionId}::uuid)) AS trainee_turn_count`);
      const traineeTurnCount = stored?.trainee_turn_count ?? 0;
      const view = turnView({ ...turn, createdAt: now, updatedAt: now }, key ? await this.storage.presignGet(key, this.config.AUDIO_URL_TTL_SEC) : null);
      return { view, traineeTurnCount };
    } catch (error) {
      if (key) await this.storage.delete(key).catch(() => undefined);
      throw error;
    }
  }
}

type NewTurn = Omit<Turn, 'createdAt' | 'updatedAt'>;

const NO_TURN_EXTRAS = {
  transcriptionStatus: null,
  transcriptionError: null,
  interrupted: false,
  heardMs: null,
  engine: null,
} satisfies Partial<NewTurn>;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

function insertTurn(turn: NewTurn, now: Date): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO turns (id, session_id, sequence, speaker, text, audio_key, audio_bytes, duration_ms, started_at, ended_at,
                       transcription_status, transcription_error, interrupted, heard_ms, latency, transitions, engine,
                       created_at, updated_at)
    VALUES (${turn.id}::uuid, ${turn.sessionId}::uuid, ${turn.sequence}::int, ${turn.speaker}::speaker, ${turn.text}::text,
            ${turn.audioKey}::text, ${turn.audioBytes}::int, ${turn.durationMs}::int, ${turn.startedAt}::timestamptz,
            ${turn.endedAt}::timestamptz, ${turn.transcriptionStatus}::transcription_status, ${turn.transcriptionError}::text,
            ${turn.interrupted}::boolean, ${turn.heardMs}::int, ${json(turn.latency)}::jsonb, ${json(turn.transitions)}::jsonb,
            ${turn.engine}::text, ${now}::timestamptz, ${now}::timestamptz)`;
}

/** An INSERT of the generations, all in one parameter; one already stored (a retried write) is kept as it is. */
function insertGenerations(sessionId: string, turnId: string | null, records: GenerationRecord[], engine: RealtimeEngine): Prisma.Sql {
  const rows = records.map((g) => ({
    id: g.id,
    outcome: g.outcome,
    tokens: g.tokens,
    cancel_reason: g.cancelReason ?? null,
    started_at: new Date(g.startedAt).toISOString(),
    first_token_at: g.firstTokenAt ? new Date(g.firstTokenAt).toISOString() : null,
    ended_at: new Date(g.endedAt).toISOString(),
  }));
  return Prisma.sql`
    INSERT INTO generations (id, session_id, turn_id, outcome, tokens, engine, cancel_reason, started_at, first_token_at, ended_at)
    SELECT g.id, ${sessionId}::uuid, ${turnId}::uuid, g.outcome, g.tokens, ${engine}::text, g.cancel_reason, g.started_at, g.first_token_at, g.ended_at
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS g(id text, outcome text, tokens int, cancel_reason text, started_at timestamptz, first_token_at timestamptz, ended_at timestamptz)
    ON CONFLICT (id) DO NOTHING`;
}
