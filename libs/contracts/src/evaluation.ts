import { z } from 'zod';
import type { Caller } from './auth';

export const EvaluationStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type EvaluationStatus = z.infer<typeof EvaluationStatus>;

/** Deterministic speech analytics of a session (SPEC §3), computed from turns and timings. */
export interface SpeechAnalytics {
  /** Share of speaking time that was the trainee's, 0..1. */
  talkRatio: number;
  traineeSpeakingMs: number;
  aiSpeakingMs: number;
  traineeWords: number;
  /** Trainee words per minute of trainee speaking time. */
  wordsPerMinute: number;
  fillerWords: { count: number; perMinute: number; mostFrequent: Array<{ word: string; count: number }> };
  /** Longest single trainee turn. */
  longestMonologueMs: number;
  longestMonologueWords: number;
  questionsAsked: number;
  /** Average time from the end of an AI turn to the start of the trainee's answer. */
  averageResponseLatencyMs: number | null;
  traineeTurns: number;
}

/** What the LLM judge must return; invalid output is retried, then the evaluation fails with the reason. */
export const RubricJudgementSchema = z.object({
  ratings: z
    .array(z.object({ skillId: z.string().min(1), rating: z.number().int().min(1).max(5), note: z.string().min(1).max(1000) }))
    .min(1),
  summary: z.string().min(1).max(3000),
  strengths: z.array(z.string().min(1).max(500)).max(10),
  improvements: z.array(z.string().min(1).max(500)).max(10),
  objectivesAchieved: z.array(z.string().min(1)).max(20),
  objectivesMissed: z.array(z.string().min(1)).max(20),
});
export type RubricJudgement = z.infer<typeof RubricJudgementSchema>;

export interface SkillRating {
  skillId: string;
  skillName: string;
  rating: number;
  note: string;
}

export interface EvaluationView {
  id: string;
  sessionId: string;
  status: EvaluationStatus;
  attempts: number;
  ratings: SkillRating[];
  /** Mean of the ratings, one decimal; null until succeeded. */
  overallScore: number | null;
  summary: string | null;
  strengths: string[];
  improvements: string[];
  objectivesAchieved: string[];
  objectivesMissed: string[];
  analytics: SpeechAnalytics | null;
  /** Trainee turns without a transcript when the evaluation ran. */
  missingTurns: number[];
  model: string | null;
  rubricVersion: number | null;
  /** True when the rubric part came from the offline heuristic, not an LLM judge. */
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
