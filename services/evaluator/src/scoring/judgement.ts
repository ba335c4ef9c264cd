import {
  MIN_TRAINEE_WORDS_TO_SCORE,
  type Judgement,
  type RubricJudgement,
  type ScenarioContent,
  type SessionMode,
  type SpeechAnalytics,
  type TerminationReason,
} from '@parley/contracts';
import { words } from '../analytics/text';
import type { TranscriptLine } from './objectives';

export type { TranscriptLine } from './objectives';

/** Everything a judge (model or offline scorer) sees of a finished session. */
export interface JudgeInput {
  scenario: ScenarioContent;
  skills: Array<{ id: string; name: string; description: string; rubric: Record<string, string> }>;
  /** Turns with text, in order; `sequence` is the turn number quotes and key moments cite. */
  transcript: TranscriptLine[];
  analytics: SpeechAnalytics;
  terminationReason: TerminationReason | null;
  mode?: SessionMode;
}

export interface Judge {
  /** `offline-heuristic` or the model's name. */
  readonly model: string;
  readonly heuristic: boolean;
  judge(input: JudgeInput): Promise<RubricJudgement>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The verdict for a session with too little trainee speech to rate (SPEC: not a 1/5 insult): no ratings, the
 * objectives not reached, and a summary that says why. Null when there is enough to score.
 */
export function notEnoughConversation(input: JudgeInput): Judgement | null {
  const said = input.transcript.filter((l) => l.speaker === 'trainee').reduce((n, l) => n + words(l.text).length, 0);
  if (said >= MIN_TRAINEE_WORDS_TO_SCORE) return null;
  return {
    notEnoughConversation: true,
    ratings: [],
    summary:
      said === 0
        ? 'Not enough conversation to score: no speech from you was recorded, so there is nothing to rate yet.'
        : `Not enough conversation to score: you said ${plural(said, 'word')}, and at least ${MIN_TRAINEE_WORDS_TO_SCORE} are needed to rate anything.`,
    strengths: [],
    improvements: [`Practise again and answer ${input.scenario.persona.name} in a few full sentences.`],
    objectives: input.scenario.objectives.map((o) => ({ objectiveId: o.id, achieved: false, decidingTurn: null, reason: 'Not reached: the conversation was too short.' })),
    objectivesAchieved: [],
    objectivesMissed: input.scenario.objectives.map((o) => o.id),
    keyMoments: [],
  };
}

/**
 * Asks the judge unless there is not enough conversation, and brings both answer forms to one: objective
 * decisions with their deciding turn (derived from the id lists when a judge gave only those), and the id lists
 * derived from the decisions otherwise.
 */
export async function judgeSession(judge: Judge, input: JudgeInput): Promise<Judgement> {
  const declined = notEnoughConversation(input);
  if (declined) return declined;
  const answer = await judge.judge(input);
  const known = new Set(input.scenario.objectives.map((o) => o.id));
  const objectives = answer.objectives.length
    ? answer.objectives.filter((o) => known.has(o.objectiveId))
    : input.scenario.objectives
        .filter((o) => answer.objectivesAchieved.includes(o.id) || answer.objectivesMissed.includes(o.id))
        .map((o) => {
          const achieved = answer.objectivesAchieved.includes(o.id);
          return { objectiveId: o.id, achieved, decidingTurn: null, reason: achieved ? 'Achieved, according to the judge.' : 'Missed, according to the judge.' };
        });
  return {
    ...answer,
    notEnoughConversation: false,
    objectives,
    objectivesAchieved: objectives.filter((o) => o.achieved).map((o) => o.objectiveId),
    objectivesMissed: objectives.filter((o) => !o.achieved).map((o) => o.objectiveId),
    keyMoments: [...answer.keyMoments].sort((a, b) => a.turn - b.turn),
  };
}

/** Injection token of the configured {@link Judge}. */
export const JUDGE = Symbol('JUDGE');
