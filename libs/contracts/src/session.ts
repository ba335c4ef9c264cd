import { z } from 'zod';

export const SessionMode = z.enum(['turn', 'realtime', 'text']);
export type SessionMode = z.infer<typeof SessionMode>;

export const SessionStatus = z.enum(['pending', 'active', 'ending', 'ended', 'failed']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const TerminationReason = z.enum([
  'manual_stop',
  'idle_timeout',
  'max_duration',
  'max_turns',
  'objective_met',
  'objective_failed',
  'provider_error',
  'client_disconnected',
]);
export type TerminationReason = z.infer<typeof TerminationReason>;

export const Speaker = z.enum(['ai', 'trainee']);
export type Speaker = z.infer<typeof Speaker>;

export const TranscriptionStatus = z.enum(['pending', 'done', 'failed']);
export type TranscriptionStatus = z.infer<typeof TranscriptionStatus>;

/** Limits of SPEC §4: a trainee turn is mono MP3 of at most 128 KB. */
export const MAX_TURN_AUDIO_BYTES = 128 * 1024;
/** Largest difference between the client's and the server's clock at session start. */
export const MAX_CLOCK_DRIFT_MS = 2000;

export interface LatencyBreakdown {
  /** Speech end → transcript final. */
  transcriptMs?: number;
  /** LLM request → first token (or whole reply for non-streaming providers). */
  llmFirstTokenMs?: number;
  /** Synthesis request → first audio byte. */
  ttsFirstByteMs?: number;
  /** Speech end (or turn accepted) → AI audio available. */
  speechEndToAudioMs?: number;
}

export interface TurnView {
  id: string;
  sequence: number;
  speaker: Speaker;
  text: string | null;
  transcriptionStatus: TranscriptionStatus | null;
  audioUrl: string | null;
  audioBytes: number | null;
  durationMs: number | null;
  startedAt: string;
  endedAt: string;
  interrupted: boolean;
  /** For an interrupted AI turn: how much of its audio the trainee heard (the text is cut to that). */
  heardMs: number | null;
  latency: LatencyBreakdown | null;
  /** Realtime: the turn-taking transitions that led to this turn. */
  transitions: import('./realtime').StateTransition[] | null;
  /** Realtime: the engine that produced an AI turn. */
  engine: string | null;
}

export interface SessionView {
  id: string;
  userId: string;
  scenarioId: string;
  scenarioVersion: number;
  scenarioTitle: string;
  mode: SessionMode;
  status: SessionStatus;
  terminationReason: TerminationReason | null;
  /** Whether the roleplayer is the offline branching script rather than a model; null until the opening turn says. */
  offlineRoleplayer: boolean | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Server deadlines, so a client can show time left without trusting its own clock. */
  deadlines: { maxDurationAt: string | null; idleAt: string | null };
  clientStartedAt: string;
  clockDriftMs: number;
  turnCount: number;
}

export interface SessionState {
  session: SessionView;
  turns: TurnView[];
}

/** The replay of a session: its state, the scenario as it was practised, and the evaluation (null before one). */
export interface SessionDetail extends SessionState {
  scenario: import('./scenario').ScenarioContent;
  evaluation: import('./evaluation').EvaluationView | null;
}

export const HISTORY_PAGE_SIZE = 20;
/** Far beyond any real list, and small enough that the row offset it implies stays a 32-bit integer. */
export const MAX_PAGE = 100_000;
/** Turn sequences are 32-bit integers in the database; a larger one would fail there instead of here. */
export const MAX_TURN_SEQUENCE = 2_147_483_647;

export const HistoryQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
  sort: z.enum(['startedAtDesc', 'startedAtAsc']).default('startedAtDesc'),
  search: z.string().trim().max(200).optional(),
  scenarioId: z.string().trim().max(80).optional(),
  mode: SessionMode.optional(),
  status: SessionStatus.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** How many steps the trainee took to reach this list (SPEC §5); required, recorded as a metric. */
  historyStepCount: z.coerce.number().int().min(0).max(1000),
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export interface HistoryItem {
  id: string;
  scenarioId: string;
  scenarioTitle: string;
  mode: SessionMode;
  status: SessionStatus;
  terminationReason: TerminationReason | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  turnCount: number;
  evaluationStatus: 'queued' | 'running' | 'succeeded' | 'failed' | null;
  overallScore: number | null;
}

/** A custom system prompt for free practice: long enough to say who to play, short enough for any model. */
export const MIN_SYSTEM_PROMPT_CHARS = 20;
export const MAX_SYSTEM_PROMPT_CHARS = 4000;

/**
 * A practice of a scenario, or free practice (SPEC §8) from a prompt template or a custom system prompt: exactly
 * one of `scenarioId`, `templateId`, `systemPrompt`.
 */
export const CreateSessionSchema = z
  .object({
    scenarioId: z.string().trim().min(1).max(60).optional(),
    templateId: z.string().trim().min(1).max(80).optional(),
    systemPrompt: z.string().trim().min(MIN_SYSTEM_PROMPT_CHARS).max(MAX_SYSTEM_PROMPT_CHARS).optional(),
    mode: SessionMode.default('turn'),
    clientSessionStartedAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((request, ctx) => {
    const given = [request.scenarioId, request.templateId, request.systemPrompt].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', path: ['scenarioId'], message: 'give exactly one of scenarioId, templateId or systemPrompt' });
    }
  });
export type CreateSessionRequest = z.infer<typeof CreateSessionSchema>;

/** Metadata of a trainee turn; the audio travels beside it (multipart file or socket binary). */
export const TraineeTurnMetaSchema = z.object({
  sequence: z.coerce.number().int().min(1).max(MAX_TURN_SEQUENCE),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
});
export type TraineeTurnMeta = z.infer<typeof TraineeTurnMetaSchema>;

export interface TurnAck {
  ok: true;
  turnId: string;
  sequence: number;
}

export const terminationMessages: Record<TerminationReason, string> = {
  manual_stop: 'You ended the practice.',
  idle_timeout: 'The practice ended because nobody spoke for a while.',
  max_duration: 'The practice reached its time limit.',
  max_turns: 'The practice reached its maximum number of turns.',
  objective_met: 'You met the objectives of this scenario. Well done!',
  objective_failed: 'The conversation reached a point where the objectives can no longer be met.',
  provider_error:
    'The AI roleplayer is unavailable right now, so the practice had to stop. Everything so far is saved; you can practise again.',
  client_disconnected: 'The practice ended because the connection was lost.',
};

/**
 * Command payloads between the gateway and the session service. The gateway authenticates and forwards the
 * caller with the raw input; the session service validates everything (one place for the rules).
 */
export interface SessionCommands {
  'session.create': { request: { caller: import('./auth').Caller; body: unknown }; reply: SessionState };
  'session.get': { request: { caller: import('./auth').Caller; sessionId: string }; reply: SessionState };
  'session.stop': { request: { caller: import('./auth').Caller; sessionId: string }; reply: SessionView };
  'session.turn.submit': {
    request: {
      caller: import('./auth').Caller;
      sessionId: string;
      /** `{sequence, startedAt, endedAt}` as received, validated by the session service. */
      meta: unknown;
      /** MP3 bytes, base64; null when the client sent none. */
      audioBase64: string | null;
    };
    reply: TurnAck;
  };
  /** Internal (push path): one turn with a fresh audio URL. */
  'session.turn.get': { request: { sessionId: string; turnId: string }; reply: TurnView };
  'session.list': {
    request: { caller: import('./auth').Caller; query: unknown };
    reply: { items: HistoryItem[]; total: number; page: number; pageSize: number };
  };
  'session.delete': { request: { caller: import('./auth').Caller; sessionId: string }; reply: null };
  'session.practice_again': {
    request: { caller: import('./auth').Caller; sessionId: string; body: unknown };
    reply: SessionState;
  };
}

/** Whether a session still takes turns (the session service owns the state machine; workers only read it). */
export const isOpenStatus = (status: SessionStatus): boolean => status === 'pending' || status === 'active';
