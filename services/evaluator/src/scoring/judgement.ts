import type { Objective, RubricJudgement, ScenarioContent, SpeechAnalytics, TerminationReason } from '@parley/contracts';

/** Everything a judge (model or heuristic) sees of a finished session. */
export interface JudgeInput {
  scenario: ScenarioContent;
  skills: Array<{ id: string; name: string; description: string; rubric: Record<string, string> }>;
  transcript: Array<{ speaker: 'ai' | 'trainee'; text: string }>;
  analytics: SpeechAnalytics;
  terminationReason: TerminationReason | null;
}

export interface Judge {
  /** `offline-heuristic` or the model's name. */
  readonly model: string;
  readonly heuristic: boolean;
  judge(input: JudgeInput): Promise<RubricJudgement>;
}

/** True when the trainee's words cover enough of an objective's success criteria (offline judge). */
export function objectiveAchieved(objective: Objective, traineeText: string, reason: TerminationReason | null): boolean {
  if (reason === 'objective_met') return true;
  const said = new Set(traineeText.toLowerCase().match(/[a-z']+/g) ?? []);
  const keywords = objective.successCriteria
    .flatMap((criterion) => criterion.toLowerCase().match(/[a-z']{5,}/g) ?? [])
    .filter((word, i, all) => all.indexOf(word) === i);
  if (keywords.length === 0) return false;
  const hits = keywords.filter((word) => said.has(word)).length;
  return hits / keywords.length >= 0.3;
}

/** Injection token of the configured {@link Judge}. */
export const JUDGE = Symbol('JUDGE');
