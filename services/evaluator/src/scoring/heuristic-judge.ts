import type { RubricJudgement } from '@parley/contracts';
import { objectiveAchieved, type Judge, type JudgeInput } from './judgement';

const clamp = (value: number) => Math.max(1, Math.min(5, Math.round(value)));

/**
 * The offline rubric: ratings derived from the speech analytics and the objectives, so a practice without any
 * model still gets a consistent, explainable score. Labelled as heuristic everywhere it is shown.
 */
export class HeuristicJudge implements Judge {
  readonly model = 'offline-heuristic';
  readonly heuristic = true;

  async judge(input: JudgeInput): Promise<RubricJudgement> {
    const { analytics: a, scenario } = input;
    const traineeText = input.transcript.filter((t) => t.speaker === 'trainee').map((t) => t.text).join(' ');
    const achieved = scenario.objectives.filter((o) => objectiveAchieved(o, traineeText, input.terminationReason));
    const missed = scenario.objectives.filter((o) => !achieved.includes(o));

    // Each signal scores 1..5; a skill's rating averages the signals with the objective share.
    const engagement = a.traineeTurns === 0 ? 1 : clamp(1 + Math.min(a.traineeTurns, 8) / 2);
    const balance = a.traineeTurns === 0 ? 1 : clamp(5 - Math.abs(a.talkRatio - 0.5) * 6);
    const questioning = clamp(1 + Math.min(a.questionsAsked, 4));
    const fluency = a.traineeWords === 0 ? 1 : clamp(5 - a.fillerWords.perMinute / 3);
    const pace = a.wordsPerMinute === 0 ? 1 : clamp(5 - Math.abs(a.wordsPerMinute - 140) / 30);
    const objectives = clamp(1 + (4 * achieved.length) / Math.max(1, scenario.objectives.length));
    const overall = (engagement + balance + questioning + fluency + pace + objectives) / 6;

    const ratings = input.skills.map((skill) => {
      const rating = clamp((overall + objectives) / 2);
      return {
        skillId: skill.id,
        rating,
        note: `Heuristic estimate from ${a.traineeTurns} turns: talk ratio ${Math.round(a.talkRatio * 100)}%, ${a.questionsAsked} questions, ${a.fillerWords.count} fillers, ${a.wordsPerMinute} wpm; ${achieved.length}/${scenario.objectives.length} objectives met. ${skill.rubric[String(rating)] ?? ''}`.trim(),
      };
    });
    const strengths: string[] = [];
    const improvements: string[] = [];
    (questioning >= 4 ? strengths : improvements).push(
      questioning >= 4 ? `You asked ${a.questionsAsked} questions to understand the other side.` : 'Ask more open questions to understand the other side.',
    );
    (fluency >= 4 ? strengths : improvements).push(
      fluency >= 4 ? 'Your speech was largely free of filler words.' : `Cut filler words (${a.fillerWords.count} this time).`,
    );
    (balance >= 4 ? strengths : improvements).push(
      balance >= 4 ? 'You kept a good balance between speaking and listening.' : 'Balance speaking and listening more evenly.',
    );
    if (missed.length) improvements.push(`Work towards: ${missed.map((o) => o.description.replace(/[.!]+$/, '')).join('; ')}.`);
    return {
      ratings,
      summary: `Offline heuristic evaluation (no language model configured): ${achieved.length} of ${scenario.objectives.length} objectives met over ${a.traineeTurns} trainee turns.`,
      strengths,
      improvements,
      objectivesAchieved: achieved.map((o) => o.id),
      objectivesMissed: missed.map((o) => o.id),
    };
  }
}
