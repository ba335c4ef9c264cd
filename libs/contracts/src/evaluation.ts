import { z } from 'zod';
import type { Caller } from './auth';
import type { SessionMode } from './session';

export const EvaluationStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type EvaluationStatus = z.infer<typeof EvaluationStatus>;

/**
 * Fewer trainee words than this in a whole session is "not enough conversation to score": the evaluation succeeds
 * with no ratings (and no judge is asked) instead of rating silence as rude.
 */
export const MIN_TRAINEE_WORDS_TO_SCORE = 5;

/**
 * Deterministic speech analytics of a session (SPEC §3), computed from turns and timings. A measure that cannot be
 * computed from the session (nobody spoke, nothing was transcribed, the mode has no audio) is null, never 0.
 */
export interface SpeechAnalytics {
  /** The session's mode, which decides which measures apply (interruptions: voice modes; cancellations: realtime). */
  mode?: SessionMode;
  /** Language whose filler words were counted (BCP 47 primary tag, e.g. "en"). */
  language?: string;
  /** Share of speaking time that was the trainee's, 0..1; null when nobody spoke. */
  talkRatio: number | null;
  traineeSpeakingMs: number;
  aiSpeakingMs: number;
  traineeWords: number;
  /** Trainee words per minute of transcribed trainee speaking time; null without transcribed speech. */
  wordsPerMinute: number | null;
  /** Fillers counted in context ("so" as a connector, "like" as a verb are not fillers); perMinute null without speech. */
  fillerWords: {
    count: number;
    perMinute: number | null;
    mostFrequent: Array<{ word: string; count: number }>;
    /** Fillers per trainee turn, in order (the turn's sequence and its count). */
    byTurn?: Array<{ turn: number; count: number }>;
  };
  /** Longest single trainee turn; null when the trainee never spoke. */
  longestMonologueMs: number | null;
  longestMonologueWords: number | null;
  questionsAsked: number;
  /** Average time from the end of an AI turn to the start of the trainee's answer; null when none was measured. */
  averageResponseLatencyMs: number | null;
  /** The trainee's response latency in detail: typing-and-sending time in text mode, silence before speaking otherwise. */
  responseLatency?: { basis: 'speech' | 'typing'; samples: number; averageMs: number | null; medianMs: number | null; longestMs: number | null };
  /** How long the AI took to answer (speech end → AI audio, or reply ready in text mode); null when not recorded. */
  aiResponseLatencyMs?: number | null;
  /** Times the trainee cut the AI off (interrupted AI turns) and how much of those turns they heard; null in text mode. */
  interruptions?: { count: number; turns: number[]; averageHeardMs: number | null } | null;
  /** AI generations cancelled before they were spoken (barge-in, superseded replies); realtime only, else null. */
  cancellations?: { count: number; turns: number[] } | null;
  traineeTurns: number;
}

/** The trainee's own words that earned or cost a rating: the turn (sequence) and an exact quote from it. */
export const EvidenceQuoteSchema = z.object({
  turn: z.number().int().min(0),
  quote: z.string().min(1).max(300),
  effect: z.enum(['earned', 'cost']),
  /** What the quote shows, e.g. "acknowledges the feeling", "hedge". */
  signal: z.string().min(1).max(120).optional(),
});
export type EvidenceQuote = z.infer<typeof EvidenceQuoteSchema>;

export const SkillJudgementSchema = z.object({
  skillId: z.string().min(1),
  rating: z.number().int().min(1).max(5),
  note: z.string().min(1).max(1000),
  /** Why the rating is what it is, one reason a line. */
  reasons: z.array(z.string().min(1).max(500)).max(8).default([]),
  evidence: z.array(EvidenceQuoteSchema).max(8).default([]),
});
export type SkillJudgement = z.infer<typeof SkillJudgementSchema>;

/** Whether an objective was achieved, and the turn that decided it (null when no turn did: it never came up). */
export const ObjectiveDecisionSchema = z.object({
  objectiveId: z.string().min(1),
  achieved: z.boolean(),
  decidingTurn: z.number().int().min(0).nullable(),
  reason: z.string().min(1).max(500),
});
export type ObjectiveDecision = z.infer<typeof ObjectiveDecisionSchema>;

export const KeyMomentKind = z.enum(['best_line', 'missed_opportunity', 'objective_met', 'objective_missed', 'setback']);
export type KeyMomentKind = z.infer<typeof KeyMomentKind>;

/** A turn that mattered; `turn` links into the replay. */
export const KeyMomentSchema = z.object({
  turn: z.number().int().min(0),
  kind: KeyMomentKind,
  quote: z.string().min(1).max(300),
  note: z.string().min(1).max(500),
});
export type KeyMoment = z.infer<typeof KeyMomentSchema>;

export const MAX_KEY_MOMENTS = 5;

/**
 * What a judge (the LLM, or the offline scorer) returns; an LLM's invalid output is retried, then the evaluation
 * fails with the reason. Quotes must be the trainee's exact words from the cited turn. `objectivesAchieved` and
 * `objectivesMissed` (ids) are the older form of `objectives`; when `objectives` is given it decides.
 */
export const RubricJudgementSchema = z.object({
  ratings: z.array(SkillJudgementSchema).min(1),
  summary: z.string().min(1).max(3000),
  strengths: z.array(z.string().min(1).max(500)).max(10),
  improvements: z.array(z.string().min(1).max(500)).max(10),
  objectivesAchieved: z.array(z.string().min(1)).max(20).default([]),
  objectivesMissed: z.array(z.string().min(1)).max(20).default([]),
  objectives: z.array(ObjectiveDecisionSchema).max(20).default([]),
  keyMoments: z.array(KeyMomentSchema).max(MAX_KEY_MOMENTS).default([]),
});
export type RubricJudgement = z.infer<typeof RubricJudgementSchema>;

/** A judge's verdict as the evaluator stores it: no ratings at all when there was not enough conversation. */
export interface Judgement extends Omit<RubricJudgement, 'ratings'> {
  ratings: SkillJudgement[];
  notEnoughConversation: boolean;
}

export interface SkillRating {
  skillId: string;
  skillName: string;
  rating: number;
  note: string;
  /** Why this rating (absent on evaluations stored before evidence was recorded). */
  reasons?: string[];
  /** The trainee's words that earned or cost it, by turn. */
  evidence?: EvidenceQuote[];
  /** The skill's rubric version the rating was given against. */
  rubricVersion?: number;
}

/** An objective as the trainee reads it: its description, never its id alone. */
export interface ObjectiveResult {
  id: string;
  description: string;
  achieved: boolean;
  decidingTurn: number | null;
  reason: string;
}

/**
 * What is stored with the analytics (Evaluation.analytics JSON, key `evidence`) besides the speech analytics: the
 * parts of a judgement that have no column of their own.
 */
export interface StoredEvaluationEvidence {
  notEnoughConversation: boolean;
  objectives: ObjectiveResult[];
  keyMoments: KeyMoment[];
  /** Rubric version of each assessed skill when the evaluation ran. */
  rubricVersions: Record<string, number>;
  /** Skills whose rubric changed after the session started (rated against the newer rubric). */
  rubricChangedSinceStart: string[];
}

export interface EvaluationView {
  id: string;
  sessionId: string;
  status: EvaluationStatus;
  attempts: number;
  /** Empty when there was not enough conversation to score. */
  ratings: SkillRating[];
  /** Mean of the ratings, one decimal; null until succeeded, and null when there was not enough conversation. */
  overallScore: number | null;
  /** True when the session had too little trainee speech to score (the summary says so; no ratings). */
  notEnoughConversation: boolean;
  summary: string | null;
  strengths: string[];
  improvements: string[];
  /** Descriptions of the objectives achieved (for display; ids and deciding turns are in `objectives`). */
  objectivesAchieved: string[];
  /** Descriptions of the objectives missed. */
  objectivesMissed: string[];
  objectives: ObjectiveResult[];
  /** Up to five turns that mattered most, in turn order. */
  keyMoments: KeyMoment[];
  analytics: SpeechAnalytics | null;
  /** Trainee turns without a transcript when the evaluation ran. */
  missingTurns: number[];
  model: string | null;
  rubricVersion: number | null;
  /** Rubric version of each assessed skill (empty on older evaluations). */
  rubricVersions: Record<string, number>;
  /** True when the rubric part came from the offline scorer, not an LLM judge. */
  heuristic: boolean;
  failureReason: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EvaluationCommands {
  'evaluation.get': { request: { caller: Caller; sessionId: string }; reply: EvaluationView };
  'evaluation.requeue': { request: { caller: Caller; sessionId: string }; reply: EvaluationView };
}

/** The overall score shown for an evaluation: the mean of its ratings to one decimal, null without ratings. */
export function overallScore(ratings: readonly { rating: number }[]): number | null {
  return ratings.length ? Math.round((ratings.reduce((sum, r) => sum + r.rating, 0) / ratings.length) * 10) / 10 : null;
}
