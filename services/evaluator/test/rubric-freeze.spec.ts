import { createPrismaClient } from '@parley/db';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';

const SCENARIO = 'support-double-charge';

/** Issue 13: a session is evaluated against the rubric versions it started with, even if a rubric changes meanwhile. */
describe('rubric frozen at session start', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'] });
  }, 120_000);

  afterAll(() => platform?.stop());

  it('records the versions at start and judges by them after a rubric changed', async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'rubric-trainee');
    const prisma = createPrismaClient(platform.databaseUrl);
    try {
      const created = await api(gateway, 'POST', '/api/sessions', {
        token,
        body: { scenarioId: SCENARIO, mode: 'text', clientSessionStartedAt: new Date().toISOString() },
      });
      const sessionId = created.body.session.id as string;
      const row = await prisma.practiceSession.findUniqueOrThrow({ where: { id: sessionId } });
      const atStart = row.rubricVersions as Record<string, number>;
      const skills = Object.keys(atStart);
      expect(skills.length).toBeGreaterThan(0);
      // Every seeded version is kept for this.
      expect(await prisma.skillRubric.count({ where: { skillId: { in: skills } } })).toBeGreaterThanOrEqual(skills.length);

      // An author changes one rubric while the session runs.
      const changed = skills[0]!;
      const skill = await prisma.skill.update({
        where: { id: changed },
        data: { rubric: { '1': 'new 1', '2': 'new 2', '3': 'new 3', '4': 'new 4', '5': 'new 5' }, rubricVersion: { increment: 1 } },
      });
      await prisma.skillRubric.create({
        data: { skillId: changed, version: skill.rubricVersion, name: skill.name, description: skill.description, rubric: skill.rubric as object },
      });

      for (let i = 0; i < 200 && !(await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns?.length; i++) await sleep(50);
      const message = 'Hello Tom, I am sorry about that. Could you confirm the email on your account so I can refund the extra charge?';
      expect((await api(gateway, 'POST', '/api/chat/wait', { token, body: { sessionId, message } })).status).toBe(200);
      await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token });
      let evaluation: any;
      for (let i = 0; i < 200 && evaluation?.status !== 'succeeded'; i++) {
        evaluation = (await api(gateway, 'GET', `/api/sessions/${sessionId}/evaluation`, { token })).body;
        await sleep(100);
      }
      expect(evaluation.status).toBe('succeeded');
      expect(evaluation.rubricVersions).toEqual(atStart);
      expect(evaluation.ratings.find((r: { skillId: string }) => r.skillId === changed).rubricVersion).toBe(atStart[changed]);
      const stored = await prisma.evaluation.findUniqueOrThrow({ where: { sessionId } });
      expect((stored.analytics as { evidence: { rubricChangedSinceStart: string[] } }).evidence.rubricChangedSinceStart).toEqual([changed]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
