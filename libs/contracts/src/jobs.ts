import { Jobs, type JobName } from './messaging';

/**
 * Job payloads keyed by job name, so a producer and its handler cannot disagree. Payloads carry ids only:
 * never audio, transcripts or secrets (they are visible in the queue dashboard).
 */
export interface JobPayloads {
  [Jobs.IdleTimeout]: { sessionId: string; armedAt: number };
  [Jobs.MaxDuration]: { sessionId: string };
  [Jobs.TranscribeTurn]: { sessionId: string; turnId: string; sequence: number; audioKey: string; acceptedAt: number };
  [Jobs.OpeningTurn]: { sessionId: string };
  [Jobs.ReplyTurn]: { sessionId: string; afterSequence: number; acceptedAt: number };
  [Jobs.EvaluateSession]: { sessionId: string };
}

export type JobPayload<J extends JobName> = JobPayloads[J];

/** BullMQ job ids may not contain ':'; these are deterministic so a redelivered event adds no second job. */
export const jobId = (...parts: (string | number)[]) => parts.join('__');
