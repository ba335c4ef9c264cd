import { overallScore } from '@parley/contracts';
import type {
  EvaluationView,
  Judgement,
  KeyMoment,
  ObjectiveResult,
  ScenarioContent,
  SkillRating,
  SpeechAnalytics,
  StoredEvaluationEvidence,
} from '@parley/contracts';

/** The speech analytics as stored in `Evaluation.analytics`, with the judgement's evidence beside them. */
export type StoredAnalytics = SpeechAnalytics & { evidence?: StoredEvaluationEvidence };

interface SkillRow {
  id: string;
  name: string;
  /** The version the session was judged against (frozen at its start). */
  rubricVersion: number;
  /** The skill's rubric changed after the session started. */
  changedSinceStart: boolean;
}

/**
 * What of a judgement is stored, and where: the ratings (with their reasons and quotes) in `ratings`; objective
 * decisions with their descriptions, key moments and the rubric versions in `analytics.evidence`. The rubric
 * versions are those frozen when the session started; a skill changed since is listed.
 */
export function evaluationRecord(
  judgement: Judgement,
  context: { scenario: ScenarioContent; skills: SkillRow[]; analytics: SpeechAnalytics },
) {
  const skills = new Map(context.skills.map((s) => [s.id, s]));
  const ratings: SkillRating[] = judgement.ratings.map((r) => ({
    ...r,
    skillName: skills.get(r.skillId)?.name ?? r.skillId,
    ...(skills.has(r.skillId) ? { rubricVersion: skills.get(r.skillId)!.rubricVersion } : {}),
  }));
  const descriptions = new Map(context.scenario.objectives.map((o) => [o.id, o.description]));
  const objectives: ObjectiveResult[] = judgement.objectives.map((o) => ({
    id: o.objectiveId,
    description: descriptions.get(o.objectiveId) ?? o.objectiveId,
    achieved: o.achieved,
    decidingTurn: o.decidingTurn,
    reason: o.reason,
  }));
  const evidence: StoredEvaluationEvidence = {
    notEnoughConversation: judgement.notEnoughConversation,
    objectives,
    keyMoments: judgement.keyMoments,
    rubricVersions: Object.fromEntries(context.skills.map((s) => [s.id, s.rubricVersion])),
    rubricChangedSinceStart: context.skills.filter((s) => s.changedSinceStart).map((s) => s.id),
  };
  const analytics: StoredAnalytics = { ...context.analytics, evidence };
  return {
    ratings,
    summary: judgement.summary,
    strengths: judgement.strengths,
    improvements: judgement.improvements,
    objectivesAchieved: judgement.objectivesAchieved,
    objectivesMissed: judgement.objectivesMissed,
    analytics,
  };
}

/** The stored judgement as the trainee reads it: objectives by description, key moments, no raw ids on display. */
export function evaluationDetail(row: {
  status: string;
  ratings: unknown;
  analytics: unknown;
  objectivesAchieved: string[];
  objectivesMissed: string[];
}): Pick<EvaluationView, 'ratings' | 'overallScore' | 'notEnoughConversation' | 'objectives' | 'objectivesAchieved' | 'objectivesMissed' | 'keyMoments' | 'analytics' | 'rubricVersions'> {
  const ratings = (row.ratings as SkillRating[] | null) ?? [];
  const stored = (row.analytics as StoredAnalytics | null) ?? null;
  const { evidence, ...analytics } = stored ?? ({} as StoredAnalytics);
  const objectives: ObjectiveResult[] =
    evidence?.objectives ??
    [
      ...row.objectivesAchieved.map((id) => ({ id, description: id, achieved: true, decidingTurn: null, reason: 'Achieved.' })),
      ...row.objectivesMissed.map((id) => ({ id, description: id, achieved: false, decidingTurn: null, reason: 'Missed.' })),
    ];
  const keyMoments: KeyMoment[] = evidence?.keyMoments ?? [];
  return {
    ratings,
    overallScore: row.status === 'succeeded' ? overallScore(ratings) : null,
    notEnoughConversation: evidence?.notEnoughConversation ?? false,
    objectives,
    objectivesAchieved: objectives.filter((o) => o.achieved).map((o) => o.description),
    objectivesMissed: objectives.filter((o) => !o.achieved).map((o) => o.description),
    keyMoments,
    analytics: stored ? (analytics as SpeechAnalytics) : null,
    rubricVersions: evidence?.rubricVersions ?? {},
  };
}
