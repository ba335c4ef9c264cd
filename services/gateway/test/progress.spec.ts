import { TestPlatform, api, devToken, sleep } from '@parley/testing';

const SCENARIO = 'support-double-charge';

/** A typed practice with one message, stopped, and waited for until its evaluation is done. */
async function evaluatedPractice(gateway: string, token: string, message: string): Promise<string> {
  const created = await api(gateway, 'POST', '/api/sessions', {
    token,
    body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: new Date().toISOString() },
  });
  const sessionId = created.body.session.id as string;
  for (let i = 0; i < 200 && !(await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns?.length; i++) await sleep(50);
  expect((await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message } })).status).toBe(200);
  await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token });
  for (let i = 0; i < 200; i++) {
    const evaluation = await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token });
    if (evaluation.body?.status === 'succeeded') return sessionId;
    await sleep(100);
  }
  throw new Error('not evaluated');
}

describe('progress over time', () => {
  let platform: TestPlatform;
  let gateway: string;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'] });
    gateway = platform.url('gateway');
  }, 120_000);

  afterAll(() => platform?.stop());

  it('gives per skill the rating of every evaluated practice, per scenario the practices and best/latest score', async () => {
    const token = await devToken(gateway, 'progress-trainee');
    const first = await evaluatedPractice(gateway, token, 'Whatever, I do not know, you should have checked your bank earlier.');
    const second = await evaluatedPractice(
      gateway,
      token,
      'I am so sorry about the double charge, Tom. Could you confirm the email on your account so I can refund the extra charge today?',
    );
    const { status, body } = await api(gateway, 'GET', '/api/progress', { token });
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ practices: 2, evaluated: 2 });
    const scenario = body.scenarios.find((s: { scenarioId: string }) => s.scenarioId === SCENARIO);
    expect(scenario).toMatchObject({ practices: 2 });
    expect(scenario.bestScore).toBeGreaterThanOrEqual(scenario.latestScore === null ? 0 : 1);
    expect(body.skills.length).toBeGreaterThan(0);
    for (const skill of body.skills) {
      expect(skill.points.map((p: { sessionId: string }) => p.sessionId)).toEqual([first, second]);
      expect(skill.change).toBe(skill.points[1].rating - skill.points[0].rating);
    }
    // The polite, concrete practice scores at least as well overall as the dismissive one.
    const sum = (i: number) => body.skills.reduce((total: number, s: { points: { rating: number }[] }) => total + s.points[i]!.rating, 0);
    expect(sum(1)).toBeGreaterThan(sum(0));

    const other = await devToken(gateway, 'progress-other');
    expect((await api(gateway, 'GET', '/api/progress', { token: other })).body).toEqual({
      skills: [],
      scenarios: [],
      totals: { practices: 0, evaluated: 0, practiceMinutes: 0 },
    });
    expect((await api(gateway, 'GET', '/api/progress')).status).toBe(401);
  });
});
