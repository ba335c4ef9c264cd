import { RubricJudgementSchema, type ScenarioContent } from '@parley/contracts';
import { scenarios } from '../../../../libs/db/seed/data/scenarios';
import { GOOD } from './fixtures/double-charge';
import type { JudgeInput } from './judgement';
import { validate } from './llm-judge';

const scenario = scenarios.find((s) => s.id === 'support-double-charge')! as unknown as ScenarioContent;
const input = {
  scenario,
  skills: scenario.skills.map((id) => ({ id, name: id, description: '', rubric: {} })),
  transcript: GOOD,
  analytics: {} as JudgeInput['analytics'],
  terminationReason: 'manual_stop',
} satisfies JudgeInput;

const answer = (patch: (j: Record<string, any>) => void = () => {}) => {
  const judgement: Record<string, any> = {
    ratings: scenario.skills.map((skillId) => ({
      skillId,
      rating: 4,
      note: 'Clear.',
      reasons: ['Paraphrased the charge'],
      evidence: [{ turn: 3, quote: 'so you were charged 14.99 twice on the 3rd', effect: 'earned' }],
    })),
    summary: 'Good.',
    strengths: [],
    improvements: [],
    objectives: [{ objectiveId: 'verify-safely', achieved: true, decidingTurn: 1, reason: 'Asked for the email.' }],
    keyMoments: [{ turn: 5, kind: 'best_line', quote: 'I will refund the duplicate charge right now', note: 'Ownership.' }],
  };
  patch(judgement);
  return JSON.stringify(judgement);
};

describe('LLM judge answer with evidence', () => {
  it('accepts quotes, objective decisions and key moments that point at the right turns', () => {
    expect(validate(answer(), input)).toBe('');
    const parsed = RubricJudgementSchema.parse(JSON.parse(answer()));
    expect(parsed.ratings[0]!.evidence[0]).toMatchObject({ turn: 3, effect: 'earned' });
  });

  it('still accepts the older answer without evidence (ids only), filling empty evidence', () => {
    const old = JSON.stringify({
      ratings: scenario.skills.map((skillId) => ({ skillId, rating: 4, note: 'Clear.' })),
      summary: 'Good.', strengths: [], improvements: [], objectivesAchieved: [], objectivesMissed: ['refund-duplicate'],
    });
    expect(validate(old, input)).toBe('');
    expect(RubricJudgementSchema.parse(JSON.parse(old)).ratings[0]).toMatchObject({ reasons: [], evidence: [] });
  });

  it.each([
    ['a quote from an AI turn', (j: any) => (j.ratings[0].evidence[0].turn = 2), /not a trainee turn/],
    ['words the trainee never said', (j: any) => (j.ratings[0].evidence[0].quote = 'I will give you a discount'), /not the trainee's words in turn 3/],
    ['a key moment on a turn that does not exist', (j: any) => (j.keyMoments[0].turn = 42), /no turn 42/],
    ['an unknown objective', (j: any) => (j.objectives[0].objectiveId = 'de-escalate'), /no objective "de-escalate"/],
    ['more than five key moments', (j: any) => (j.keyMoments = Array(6).fill(j.keyMoments[0])), /keyMoments/],
    ['an effect that is neither earned nor cost', (j: any) => (j.ratings[0].evidence[0].effect = 'good'), /effect/],
  ])('rejects %s', (_name, patch, problem) => {
    expect(validate(answer(patch), input)).toMatch(problem);
  });
});
