import { z } from 'zod';
import type { ErrorBody } from './errors';
import { Speaker } from './session';

/**
 * Live generations (realtime voice): the conversation owner (session service) asks the turn-pipeline for one reply
 * with `pipeline.generate` (request/reply, queue group: any replica takes it) and reads its events on core NATS,
 * subscribed BEFORE the request is sent: `gen.<generationId>` carries deltas, audio and the end, in order; a
 * message on `gen.<generationId>.cancel` aborts it at once (the provider request included). Nothing here is durable:
 * the owner stores what was heard through its outbox.
 *
 * WARNING: renaming a subject strands generations in flight; add a new one and migrate.
 */
export const GenerationSubjects = {
  events: (generationId: string) => `gen.${generationId}`,
  cancel: (generationId: string) => `gen.${generationId}.cancel`,
} as const;

export const GenerateRequestSchema = z.object({
  generationId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  sessionId: z.string().min(1).max(64),
  /** The conversation so far, oldest first; the roleplayer answers its last line (or opens when empty). */
  history: z.array(z.object({ speaker: Speaker, text: z.string().max(8000) })).max(400),
  /** Synthesise the reply sentence by sentence (realtime) or only write it. */
  speak: z.boolean(),
  voice: z.string().max(64).optional(),
  /** Free practice: replaces the scenario's persona brief. */
  systemPrompt: z.string().max(4000).optional(),
});
export type GenerateRequest = z.infer<typeof GenerateRequestSchema>;

export type GenerationEvent =
  /** Text as the model writes it; `index` counts deltas from 0. */
  | { type: 'delta'; index: number; text: string }
  /**
   * Speech, PCM16 mono little-endian, base64, one chunk or more per sentence, as soon as the sentence is complete
   * and synthesised; `index` counts audio chunks from 0; `text` is the sentence the chunk belongs to (on its first chunk).
   */
  | { type: 'audio'; index: number; pcm: string; sampleRate: number; text?: string }
  /** The reply is complete: its whole text, tokens and timings (from the request). */
  | {
      type: 'done';
      text: string;
      tokens: number;
      llmFirstTokenMs: number;
      ttsFirstByteMs?: number;
      model: string;
      offline: boolean;
      /** The objective check after the trainee line this answers (SPEC §4.7), when the pipeline ran one. */
      outcome?: 'objective_met' | 'objective_failed' | 'continue';
    }
  | { type: 'error'; error: ErrorBody };
