import type { ScenarioContent, SpeechAnalytics } from '@parley/contracts';
import { HeuristicJudge } from './heuristic-judge';

const scenario = {
  objectives: [
    { id: 'verify', description: 'Verify the customer', successCriteria: ['Asks for the account email before acting'] },
    { id: 'refund', description: 'Refund the duplicate', successCriteria: ['Promises a refund of the duplicate charge'] },
  ],
} as unknown as ScenarioContent;

const skills = [
  { id: 'empathy', name: 'Empathy', description: '', rubric: { '1': 'cold', '2': 'flat', '3': 'ok', '4': 'warm', '5': 'excellent' } },
  { id: 'clarity', name: 'Clarity', description: '', rubric: { '1': 'confusing', '2': 'vague', '3': 'ok', '4': 'clear', '5': 'crisp' } },
];

function analytics(overrides: Partial<SpeechAnalytics>): SpeechAnalytics {
  return {
    talkRatio: 0.5,
    traineeSpeakingMs: 20_000,
    aiSpeakingMs: 20_000,
    traineeWords: 50,
    wordsPerMinute: 140,
    fillerWords: { count: 0, perMinute: 0, mostFrequent: [] },
    longestMonologueMs: 6_000,
    longestMonologueWords: 15,
    questionsAsked: 3,
    averageResponseLatencyMs: 900,
    traineeTurns: 6,
    ...overrides,
  };
}

describe('HeuristicJudge', () => {
  const judge = new HeuristicJudge();

  it('rates every skill, labels itself, and finds objectives in what the trainee said', async () => {
    const result = await judge.judge({
      scenario,
      skills,
      analytics: analytics({}),
      terminationReason: 'manual_stop',
      transcript: [
        { speaker: 'ai', text: 'I was charged twice.' },
        { speaker: 'trainee', text: 'Could you confirm the account email please' },
      ],
    });
    expect(result.ratings.map((r) => r.skillId)).toEqual(['empathy', 'clarity']);
    expect(result.summary).toMatch(/heuristic/i);
    expect(result.objectivesAchieved).toEqual(['verify']);
    expect(result.objectivesMissed).toEqual(['refund']);
    expect(result.ratings.every((r) => r.rating >= 1 && r.rating <= 5)).toBe(true);
  });

  it('scores a silent trainee at the bottom and a met objective higher', async () => {
    const silent = await judge.judge({ scenario, skills, analytics: analytics({ traineeTurns: 0, traineeWords: 0, wordsPerMinute: 0, questionsAsked: 0, talkRatio: 0 }), terminationReason: 'idle_timeout', transcript: [] });
    const met = await judge.judge({ scenario, skills, analytics: analytics({}), terminationReason: 'objective_met', transcript: [] });
    expect(silent.ratings[0]!.rating).toBeLessThan(met.ratings[0]!.rating);
    expect(silent.ratings[0]!.rating).toBeLessThanOrEqual(2);
    expect(met.objectivesAchieved).toEqual(['verify', 'refund']);
    expect(silent.improvements.length).toBeGreaterThan(0);
  });
});
