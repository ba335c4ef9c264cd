import type { EvaluationView } from '@parley/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { EvaluationResult } from '../src/Evaluation';

const evaluation: EvaluationView = {
  id: 'e1',
  sessionId: 's1',
  status: 'succeeded',
  attempts: 1,
  ratings: [
    { skillId: 'empathy', skillName: 'Empathy', rating: 4, note: 'Warm and attentive.' },
    { skillId: 'clarity', skillName: 'Clarity', rating: 2, note: 'Rambled at times.' },
  ],
  overallScore: 3,
  summary: 'A good start.',
  strengths: ['Polite throughout'],
  improvements: ['Get to the point'],
  objectivesAchieved: ['verify'],
  objectivesMissed: ['refund'],
  analytics: {
    talkRatio: 0.42,
    traineeSpeakingMs: 42_000,
    aiSpeakingMs: 58_000,
    traineeWords: 120,
    wordsPerMinute: 171.4,
    fillerWords: { count: 3, perMinute: 4.3, mostFrequent: [{ word: 'um', count: 2 }, { word: 'like', count: 1 }] },
    longestMonologueMs: 12_500,
    longestMonologueWords: 40,
    questionsAsked: 5,
    averageResponseLatencyMs: 800,
    traineeTurns: 6,
  },
  missingTurns: [],
  model: 'offline-heuristic',
  rubricVersion: 1,
  heuristic: true,
  failureReason: null,
  queuedAt: '2026-11-21T10:00:00.000Z',
  startedAt: '2026-11-21T10:00:01.000Z',
  finishedAt: '2026-11-21T10:00:02.000Z',
};

/** What the trainee reads in the evaluation panel. */
describe('evaluation panel', () => {
  const html = renderToStaticMarkup(<EvaluationResult evaluation={evaluation} />);

  it('shows every skill as a bar proportional to its rating, with its note', () => {
    expect(html).toContain('Empathy');
    expect(html).toContain('aria-label="4 of 5"');
    expect(html).toContain('width:80%');
    expect(html).toContain('width:40%');
    expect(html).toContain('Rambled at times.');
    expect(html).toContain('3/5');
  });

  it('labels the heuristic, and shows feedback, objectives and speech analytics', () => {
    expect(html).toMatch(/offline heuristic/);
    expect(html).toContain('Polite throughout');
    expect(html).toContain('Get to the point');
    expect(html).toMatch(/achieved: verify.*missed: refund/s);
    expect(html).toContain('42%');
    expect(html).toContain('171.4 wpm');
    expect(html).toContain('um, like');
    expect(html).toContain('13 s');
    expect(html).toMatch(/Questions asked<\/dt><dd>5/);
  });
});
