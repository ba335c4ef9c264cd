import { z } from 'zod';
import { Jobs, type JobName } from './messaging';

/**
 * Job payloads keyed by job name, so a producer and its handler cannot disagree. Payloads carry ids only:
 * never audio, transcripts or secrets (they are visible in the queue dashboard).
 */
export interface JobPayloads {
  [Jobs.IdleTimeout]: { sessionId: string; armedAt: number };
  [Jobs.MaxDuration]: { sessionId: string };
  [Jobs.ClientGone]: { sessionId: string; goneAt: number };
  [Jobs.SweepAudio]: { sessionId: string };
  [Jobs.TranscribeTurn]: { sessionId: string; turnId: string; sequence: number; audioKey: string; acceptedAt: number };
  [Jobs.OpeningTurn]: { sessionId: string };
  /** `streamId` for typed messages (text mode): the reply's tokens go to that chat stream. */
  [Jobs.ReplyTurn]: { sessionId: string; afterSequence: number; acceptedAt: number; streamId?: string };
  /**
   * `queuedAt`: the evaluation row's queuing this job was added for (ms); a job left over from an earlier queuing
   * (e.g. one that lost its lock when Redis blipped and came back after a requeue) finds it changed and does nothing.
   */
  [Jobs.EvaluateSession]: { sessionId: string; queuedAt?: number };
}

export type JobPayload<J extends JobName> = JobPayloads[J];

/** BullMQ job ids may not contain ':'; these are deterministic so a redelivered event adds no second job. */
export const jobId = (...parts: (string | number)[]) => parts.join('__');

const id = z.string().min(1).max(64);
const epochMs = z.number().int().min(0);

/** Job payloads are parsed against these when a worker takes a job: a malformed one fails at once, never half-runs. */
export const JobSchemas = {
  [Jobs.IdleTimeout]: z.object({ sessionId: id, armedAt: epochMs }),
  [Jobs.MaxDuration]: z.object({ sessionId: id }),
  [Jobs.ClientGone]: z.object({ sessionId: id, goneAt: epochMs }),
  [Jobs.SweepAudio]: z.object({ sessionId: id }),
  [Jobs.TranscribeTurn]: z.object({ sessionId: id, turnId: id, sequence: z.number().int().min(1), audioKey: z.string().min(1).max(300), acceptedAt: epochMs }),
  [Jobs.OpeningTurn]: z.object({ sessionId: id }),
  [Jobs.ReplyTurn]: z.object({ sessionId: id, afterSequence: z.number().int().min(0), acceptedAt: epochMs, streamId: z.string().min(1).max(120).optional() }),
  [Jobs.EvaluateSession]: z.object({ sessionId: id, queuedAt: epochMs.optional() }),
} as const satisfies { [J in JobName]: z.ZodType<JobPayloads[J]> };
