import type { EvaluationView, ProgressView } from '@parley/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { EvaluationResult } from '../src/Evaluation';
import { ProgressContent } from '../src/progress/Progress';
import { parseRoute } from '../src/router';

const evaluation: EvaluationView = {
  id: 'e1',
  sessionId: 's1',
  status: 'succeeded',
  attempts: 1,
  ratings: [
    {
      skillId: 'empathy',
      skillName: 'Empathy',
      rating: 4,
      note: 'Warm and attentive.',
      reasons: ['Acknowledged the customer feeling early'],
      evidence: [
        { turn: 1, quote: 'I am so sorry about the double charge', effect: 'earned', signal: 'apology' },
        { turn: 5, quote: 'you should have checked', effect: 'cost', signal: 'blame' },
      ],
    },
    { skillId: 'clarity', skillName: 'Clarity', rating: 2, note: 'Rambled at times.' },
  ],
  overallScore: 3,
  notEnoughConversation: false,
  summary: 'A good start.',
  strengths: ['Polite throughout'],
  improvements: ['Get to the point'],
  objectivesAchieved: ['Verify the customer'],
  objectivesMissed: ['Offer a refund'],
  objectives: [
    { id: 'verify', description: 'Verify the customer', achieved: true, decidingTurn: 3, reason: 'Asked for the account email.' },
    { id: 'refund', description: 'Offer a refund', achieved: false, decidingTurn: null, reason: 'A refund was never offered.' },
  ],
  keyMoments: [
    { turn: 1, kind: 'best_line', quote: 'I am so sorry about the double charge', note: 'A sincere apology first.' },
    { turn: 5, kind: 'missed_opportunity', quote: 'you should have checked', note: 'Blamed the customer.' },
  ],
  analytics: {
    mode: 'text',
    talkRatio: 0.42,
    traineeSpeakingMs: 42_000,
    aiSpeakingMs: 58_000,
    traineeWords: 120,
    wordsPerMinute: 171.4,
    fillerWords: {
      count: 3,
      perMinute: 4.3,
      mostFrequent: [{ word: 'um', count: 2 }, { word: 'like', count: 1 }],
      byTurn: [{ turn: 1, count: 2 }, { turn: 3, count: 0 }, { turn: 5, count: 1 }],
    },
    longestMonologueMs: 12_500,
    longestMonologueWords: 40,
    questionsAsked: 5,
    averageResponseLatencyMs: 800,
    responseLatency: { basis: 'typing', samples: 3, averageMs: 800, medianMs: 700, longestMs: 1200 },
    aiResponseLatencyMs: null,
    interruptions: null,
    cancellations: null,
    traineeTurns: 6,
  },
  missingTurns: [],
  model: 'offline-heuristic',
  rubricVersion: 1,
  rubricVersions: { empathy: 1, clarity: 1 },
  heuristic: true,
  failureReason: null,
  queuedAt: '2026-11-21T10:00:00.000Z',
  startedAt: '2026-11-21T10:00:01.000Z',
  finishedAt: '2026-11-21T10:00:02.000Z',
};

/** What the trainee reads in the evaluation panel. */
describe('evaluation panel', () => {
  const html = renderToStaticMarkup(<EvaluationResult evaluation={evaluation} />);

  it('shows the overall score, and every skill as a chart and a bar with its number and note', () => {
    expect(html).toContain('3.0');
    expect(html).toContain('/5 overall');
    expect(html).toContain('aria-label="Skill ratings: Empathy 4 of 5, Clarity 2 of 5"');
    expect(html).toContain('aria-label="4 of 5"');
    expect(html).toContain('width:80%');
    expect(html).toContain('width:40%');
    expect(html).toContain('4/5');
    expect(html).toContain('Rambled at times.');
    expect(html).toContain('>Print</button>');
  });

  it('expands each skill to its reasons and the quotes that earned or cost it, by turn', () => {
    expect(html).toMatch(/<details>.*Empathy.*Acknowledged the customer feeling early/s);
    expect(html).toMatch(/\+ earned.*turn 1.*<q>I am so sorry about the double charge<\/q>/s);
    expect(html).toMatch(/− cost.*turn 5.*<q>you should have checked<\/q>/s);
    expect(html).toContain('No single line of yours decided this rating.');
  });

  it('links key moments and deciding turns into the replay, and names objectives by description', () => {
    expect(html).toContain('href="#/history/s1?turn=1"');
    expect(html).toContain('href="#/history/s1?turn=5"');
    expect(html).toContain('Best line');
    expect(html).toContain('Missed opportunity');
    expect(html).toMatch(/✓ Achieved.*Verify the customer.*decided at turn 3/s);
    expect(html).toMatch(/✗ Missed.*Offer a refund.*it never came up/s);
    expect(html).not.toContain('missed: refund');
  });

  it('labels the offline scorer and shows the analytics as small charts, undefined measures as not measured', () => {
    expect(html).toMatch(/offline scorer/);
    expect(html).toContain('Polite throughout');
    expect(html).toContain('Get to the point');
    expect(html).toContain('42%');
    expect(html).toContain('171.4 wpm');
    expect(html).toContain('Faster than the 110–160 wpm target');
    expect(html).toContain('um (2), like (1)');
    expect(html).toContain('Fillers by turn: turn 1 2, turn 3 0, turn 5 1');
    expect(html).toContain('0.8 s');
    expect(html).toContain('typing and sending');
    expect(html).toContain('13 s');
    expect(html).toMatch(/Questions asked<\/dt><dd>5/);
    expect(html).toMatch(/AI response time<\/dt><dd>not measured/);
    expect(html).toContain('not measured (no voice)');
  });

  it('says kindly when there was not enough conversation, with no ratings and unmeasured analytics', () => {
    const quiet = renderToStaticMarkup(
      <EvaluationResult
        evaluation={{
          ...evaluation,
          ratings: [],
          overallScore: null,
          notEnoughConversation: true,
          summary: 'Not enough conversation to score.',
          strengths: [],
          improvements: [],
          objectives: [],
          objectivesAchieved: [],
          objectivesMissed: [],
          keyMoments: [],
          analytics: { ...evaluation.analytics!, talkRatio: null, wordsPerMinute: null, fillerWords: { count: 0, perMinute: null, mostFrequent: [] }, longestMonologueMs: null, longestMonologueWords: null },
        }}
      />,
    );
    expect(quiet).toContain('Not enough conversation to score yet');
    expect(quiet).not.toContain('/5 overall');
    expect(quiet).not.toContain('Skill ratings');
    expect(quiet).not.toMatch(/Rude|1\/5/);
    expect(quiet.match(/not measured/g)!.length).toBeGreaterThanOrEqual(3);
  });
});

describe('progress page', () => {
  const progress: ProgressView = {
    skills: [
      {
        skillId: 'empathy',
        skillName: 'Empathy',
        points: [
          { sessionId: 'a', at: '2026-11-20T10:00:00.000Z', rating: 2 },
          { sessionId: 'b', at: '2026-11-21T10:00:00.000Z', rating: 4 },
        ],
        latest: 4,
        best: 4,
        change: 2,
      },
    ],
    scenarios: [{ scenarioId: 'support-double-charge', title: 'Charged twice', practices: 2, bestScore: 3.5, latestScore: 3.5, lastPracticedAt: '2026-11-21T10:00:00.000Z' }],
    totals: { practices: 2, evaluated: 2, practiceMinutes: 7 },
  };

  it('shows each skill over time, each scenario with practices and best/latest score, and totals', () => {
    const html = renderToStaticMarkup(<ProgressContent progress={progress} />);
    expect(html).toContain('Empathy ratings over time: 2, 4');
    expect(html).toContain('latest 4/5 · best 4/5 · +2 since your first');
    expect(html).toMatch(/Charged twice.*<td data-label="Practices">2<\/td><td data-label="Best">3.5 \/ 5<\/td><td data-label="Latest">3.5 \/ 5/s);
    expect(html).toMatch(/Minutes practised<\/dt><dd>7/);
  });

  it('welcomes a new trainee with an empty state', () => {
    const html = renderToStaticMarkup(<ProgressContent progress={{ skills: [], scenarios: [], totals: { practices: 0, evaluated: 0, practiceMinutes: 0 } }} />);
    expect(html).toContain('No practices yet.');
    expect(html).toContain('href="#/catalog"');
  });

  it('routes #/progress and a replay anchored at a turn', () => {
    expect(parseRoute('#/progress')).toEqual({ name: 'progress' });
    expect(parseRoute('#/history/s1?turn=3')).toEqual({ name: 'replay', sessionId: 's1', turn: 3 });
    expect(parseRoute('#/history/s1')).toEqual({ name: 'replay', sessionId: 's1' });
  });
});
