import { z } from 'zod';
import { Events, type EventName } from './messaging';
import { SessionMode, SessionStatus, TerminationReason } from './session';

const id = z.string().min(1).max(64);
const iso = z.iso.datetime({ offset: true });

/**
 * Payload schema of every event. Producers build payloads typed by {@link EventPayload}; consumers parse them
 * against the same schema on arrival, so a malformed message is rejected at the boundary.
 */
export const EventSchemas = {
  [Events.SessionCreated]: z.object({ sessionId: id, userId: id, scenarioId: id, mode: SessionMode }),
  [Events.SessionStatusChanged]: z.object({
    sessionId: id,
    userId: id,
    from: SessionStatus,
    to: SessionStatus,
    at: iso,
  }),
  [Events.SessionEnded]: z.object({
    sessionId: id,
    userId: id,
    reason: TerminationReason,
    status: SessionStatus,
    endedAt: iso,
  }),
  [Events.SessionDeleted]: z.object({ sessionId: id, userId: id, deletedAt: iso }),
  [Events.TraineeTurnAccepted]: z.object({
    sessionId: id,
    turnId: id,
    sequence: z.number().int().min(1),
    audioKey: z.string().min(1),
    /** Milliseconds since epoch when the turn was accepted; latency is measured from here. */
    acceptedAt: z.number().int(),
  }),
  [Events.TraineeMessageAccepted]: z.object({
    sessionId: id,
    turnId: id,
    sequence: z.number().int().min(1),
    acceptedAt: z.number().int(),
    streamId: z.string().min(1).max(120),
  }),
  /**
   * `speaker` and `mode` let a consumer skip turns it has no use for without fetching them (a realtime conversation
   * pushes its own `turn_stored`); absent in events written before they were added.
   */
  [Events.TurnRecorded]: z.object({
    sessionId: id,
    userId: id,
    turnId: id,
    sequence: z.number().int().min(0),
    speaker: z.enum(['ai', 'trainee']).optional(),
    mode: SessionMode.optional(),
  }),
  [Events.TurnTranscribed]: z.object({
    sessionId: id,
    turnId: id,
    sequence: z.number().int().min(1),
    status: z.enum(['done', 'failed']),
    text: z.string(),
    transcriptMs: z.number().int().min(0),
    /** When the session accepted the turn (ms since epoch): the reply's latency is measured from here. */
    acceptedAt: z.number().int(),
    error: z.string().optional(),
  }),
  [Events.AiReplyReady]: z.object({
    sessionId: id,
    sequence: z.number().int().min(0),
    text: z.string().min(1),
    /** Absent in text mode, where the AI writes instead of speaking. */
    audioKey: z.string().min(1).optional(),
    audioBytes: z.number().int().min(1).optional(),
    durationMs: z.number().int().min(0),
    startedAt: iso,
    endedAt: iso,
    latency: z.object({
      llmFirstTokenMs: z.number().optional(),
      ttsFirstByteMs: z.number().optional(),
      speechEndToAudioMs: z.number().optional(),
    }),
    /**
     * The objective check after the trainee turn this replies to, carried in the same event so the session
     * records the closing line before it ends.
     */
    outcome: z.enum(['objective_met', 'objective_failed', 'continue']),
    outcomeRationale: z.string().optional(),
    /** Whether the turn-pipeline played it with the offline branching script (it alone knows its providers). */
    offlineRoleplayer: z.boolean().optional(),
  }),
  [Events.ProviderFailed]: z.object({
    sessionId: id,
    sequence: z.number().int().min(0),
    role: z.enum(['roleplayer', 'synthesis', 'transcription', 'objective_check']),
    message: z.string(),
  }),
  [Events.EvaluationCompleted]: z.object({
    sessionId: id,
    userId: id,
    evaluationId: id,
    status: z.enum(['succeeded', 'failed']),
  }),
} as const satisfies Record<EventName, z.ZodType>;

export type EventPayload<E extends EventName> = z.infer<(typeof EventSchemas)[E]>;
