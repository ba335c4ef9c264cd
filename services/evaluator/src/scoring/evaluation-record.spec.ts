import type { ScenarioContent } from '@parley/contracts';
import { scenarios } from '../../../../libs/db/seed/data/scenarios';
import { speechAnalytics } from '../analytics/speech-analytics';
import { evaluationDetail, evaluationRecord } from './evaluation-record';
import { GOOD } from './fixtures/double-charge';
import { HeuristicJudge } from './heuristic-judge';
import { judgeSession, type JudgeInput } from './judgement';

const scenario = scenarios.find((s) => s.id === 'support-double-charge')! as unknown as ScenarioContent;
// The first skill's rubric changed after the session started: it is judged by its version then, and listed.
const skillRows = scenario.skills.map((id, i) => ({ id, name: id.toUpperCase(), rubricVersion: 2, changedSinceStart: i === 0 }));
const analytics = speechAnalytics([]);

async function stored(transcript: JudgeInput['transcript']) {
  const judgement = await judgeSession(new HeuristicJudge(), {
    scenario,
    skills: scenario.skills.map((id) => ({ id, name: id, description: '', rubric: {} })),
    transcript,
    analytics,
    terminationReason: 'manual_stop',
  });
  const record = evaluationRecord(judgement, { scenario, skills: skillRows, analytics });
  // Through JSON, as Postgres stores it.
  return evaluationDetail(JSON.parse(JSON.stringify({ status: 'succeeded', ...record })));
}

describe('stored evaluation → view', () => {
  it('shows objectives by description with their deciding turn, key moments and rubric versions', async () => {
    const view = await stored(GOOD);
    expect(view.objectivesAchieved).toContain('Verify the account without asking for sensitive data.');
    expect(view.objectivesAchieved.concat(view.objectivesMissed)).not.toContain('verify-safely');
    expect(view.objectives[0]).toMatchObject({ id: 'verify-safely', achieved: true, decidingTurn: 1 });
    expect(view.keyMoments.length).toBeGreaterThan(0);
    expect(view.ratings[0]).toMatchObject({ skillName: scenario.skills[0]!.toUpperCase(), rubricVersion: 2 });
    expect(view.ratings[0]!.evidence!.length).toBeGreaterThan(0);
    expect(view.rubricVersions).toEqual(Object.fromEntries(scenario.skills.map((id) => [id, 2])));
    expect(view.overallScore).toBeGreaterThan(3);
    expect(view.notEnoughConversation).toBe(false);
    expect(view.analytics).not.toHaveProperty('evidence');
  });

  it('a silent session: succeeded, not enough conversation, no ratings and no score', async () => {
    const view = await stored([GOOD[0]!]);
    expect(view).toMatchObject({ notEnoughConversation: true, ratings: [], overallScore: null });
    expect(view.objectivesMissed).toHaveLength(3);
  });
});
