import type { Caller } from './auth';

/** One evaluated practice's rating of a skill. */
export interface SkillProgressPoint {
  sessionId: string;
  /** When the practice ended (ISO). */
  at: string;
  rating: number;
}

export interface SkillProgress {
  skillId: string;
  skillName: string;
  /** Oldest first. */
  points: SkillProgressPoint[];
  latest: number;
  best: number;
  /** Latest minus the first rating: how far the trainee moved. */
  change: number;
}

export interface ScenarioProgress {
  scenarioId: string;
  title: string;
  practices: number;
  /** Overall scores of evaluated practices; null until one was scored. */
  bestScore: number | null;
  latestScore: number | null;
  lastPracticedAt: string | null;
}

/** `GET /api/progress` (issue 13): the trainee's progress over time, per skill and per scenario. */
export interface ProgressView {
  skills: SkillProgress[];
  scenarios: ScenarioProgress[];
  totals: { practices: number; evaluated: number; practiceMinutes: number };
}

export interface ProgressCommands {
  'session.progress': { request: { caller: Caller }; reply: ProgressView };
}
