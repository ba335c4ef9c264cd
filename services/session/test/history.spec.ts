import { createObjectStorage, sessionPrefix } from '@parley/storage';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';

const MAIN = 'support-double-charge';
const OTHER = 'interview-phone-screen';

/** SPEC §5: history, replay with expiring audio URLs, deletion, practice again, and per-user scoping. */
describe('history, replay and deletion', () => {
  let platform: TestPlatform;
  let gateway: string;
  let token: string;
  const created: Array<{ id: string; scenarioId: string; startedAt: string }> = [];

  beforeAll(async () => {
    platform = await TestPlatform.start({
      services: ['gateway', 'session', 'turn-pipeline', 'evaluator'],
      env: { AUDIO_URL_TTL_SEC: '3' },
    });
    gateway = platform.url('gateway');
    token = await devToken(gateway, 'trainee-history');
    for (let i = 0; i < 23; i++) {
      const scenarioId = i % 4 === 0 ? OTHER : MAIN;
      const response = await api(gateway, 'POST', '/api/sessions', {
        token,
        body: { scenarioId, mode: 'turn', clientSessionStartedAt: new Date().toISOString() },
      });
      expect(response.status).toBe(201);
      created.push({ id: response.body.session.id, scenarioId, startedAt: response.body.session.startedAt });
      // The last one stays active; the rest end, so capacity never runs out.
      if (i < 22) await api(gateway, 'POST', `/api/sessions/${response.body.session.id}/stop`, { token });
    }
  }, 180_000);

  afterAll(() => platform?.stop());

  const history = (query: string, as = token) => api(gateway, 'GET', `/api/sessions?historyStepCount=2&${query}`, { token: as });

  it('requires historyStepCount', async () => {
    const response = await api(gateway, 'GET', '/api/sessions', { token });
    expect(response.status).toBe(422);
    expect(response.body.error.issues[0].path).toBe('historyStepCount');
  });

  it('pages by 20 in both sort orders', async () => {
    const first = await history('page=1');
    const second = await history('page=2');
    expect(first.body).toMatchObject({ total: 23, pageSize: 20, page: 1 });
    expect(first.body.items).toHaveLength(20);
    expect(second.body.items).toHaveLength(3);
    const newestFirst = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(newestFirst).toEqual([...created].reverse().map((c) => c.id));
    const oldest = await history('sort=startedAtAsc');
    expect(oldest.body.items[0].id).toBe(created[0]!.id);
    const item = first.body.items[1];
    expect(item).toMatchObject({ mode: 'turn', status: 'ended', terminationReason: 'manual_stop' });
    // Every ended session is evaluated; the offline evaluator may still be on it.
    expect(item.evaluationStatus).toMatch(/queued|running|succeeded/);
    expect(item.scenarioTitle).toBeTruthy();
    expect(item.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('searches scenario titles and objectives, and filters by scenario, mode, status and dates', async () => {
    const scenario = (await api(gateway, 'GET', `/api/scenarios/${OTHER}`, { token })).body;
    const titleWord = scenario.title.split(' ').find((w: string) => w.length > 4).toLowerCase();
    const byTitle = await history(`search=${encodeURIComponent(titleWord)}`);
    expect(byTitle.body.total).toBe(created.filter((c) => c.scenarioId === OTHER).length);
    const objective = scenario.objectives[0].description.split(' ').slice(0, 3).join(' ').toUpperCase();
    expect((await history(`search=${encodeURIComponent(objective)}`)).body.total).toBe(byTitle.body.total);

    expect((await history(`scenarioId=${MAIN}`)).body.total).toBe(created.filter((c) => c.scenarioId === MAIN).length);
    expect((await history('mode=turn')).body.total).toBe(23);
    expect((await history('mode=text')).body.total).toBe(0);
    expect((await history('status=active')).body.items.map((i: { id: string }) => i.id)).toEqual([created[22]!.id]);
    expect((await history('status=ended')).body.total).toBe(22);
    const from = encodeURIComponent(created[10]!.startedAt);
    const to = encodeURIComponent(created[14]!.startedAt);
    expect((await history(`from=${from}&to=${to}`)).body.total).toBe(5);
    expect((await history('status=bogus')).status).toBe(422);
  });

  it('replays a session with audio URLs that serve the stored bytes and then expire; delete removes everything', async () => {
    const sessionId = created[22]!.id;
    let detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    for (let i = 0; i < 100 && detail.body.turns.length === 0; i++) {
      await sleep(100);
      detail = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    }
    const audio = Buffer.from(await (await fetch(detail.body.turns[0].audioUrl)).arrayBuffer());
    const storage = createObjectStorage({
      endpoint: platform.s3.endpoint,
      region: 'us-east-1',
      bucket: platform.s3.bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    const stored = await storage.get(`${sessionPrefix(sessionId)}turns/00000-ai.mp3`);
    expect(audio.equals(stored)).toBe(true);
    expect(detail.body.scenario.title).toBeTruthy();
    expect(detail.body).toHaveProperty('evaluation');

    await sleep(4000);
    expect((await fetch(detail.body.turns[0].audioUrl)).status).toBe(403);
    const fresh = await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token });
    expect((await fetch(fresh.body.turns[0].audioUrl)).status).toBe(200);

    expect((await api(gateway, 'DELETE', `/api/sessions/${sessionId}`, { token })).status).toBe(204);
    expect((await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).status).toBe(404);
    expect(await storage.exists(`${sessionPrefix(sessionId)}turns/00000-ai.mp3`)).toBe(false);
    expect((await fetch(fresh.body.turns[0].audioUrl)).status).not.toBe(200);
    storage.close();
    created.pop();
  });

  it('practises again on the same scenario without touching the old session', async () => {
    const old = created[3]!;
    const before = await api(gateway, 'GET', `/api/sessions/${old.id}`, { token });
    const again = await api(gateway, 'POST', `/api/sessions/${old.id}/practice-again`, {
      token,
      body: { clientSessionStartedAt: new Date().toISOString() },
    });
    expect(again.status).toBe(201);
    expect(again.body.session.id).not.toBe(old.id);
    expect(again.body.session.scenarioId).toBe(old.scenarioId);
    const after = await api(gateway, 'GET', `/api/sessions/${old.id}`, { token });
    expect(after.body.session).toEqual(before.body.session);
    await api(gateway, 'POST', `/api/sessions/${again.body.session.id}/stop`, { token });
  });

  it("answers 404 for another trainee's session on every route", async () => {
    const other = await devToken(gateway, 'history-intruder');
    const id = created[5]!.id;
    const routes: Array<[string, string]> = [
      ['GET', `/api/sessions/${id}`],
      ['DELETE', `/api/sessions/${id}`],
      ['POST', `/api/sessions/${id}/stop`],
      ['POST', `/api/sessions/${id}/practice-again`],
      ['POST', `/api/sessions/${id}/turns`],
      ['GET', `/api/sessions/${id}/evaluation`],
      ['POST', `/api/sessions/${id}/evaluation`],
    ];
    for (const [method, path] of routes) {
      const response = await api(gateway, method, path, { token: other, body: method === 'POST' ? {} : undefined });
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    expect((await history('page=1', other)).body.total).toBe(0);
    expect((await api(gateway, 'GET', `/api/sessions/${id}`, { token })).status).toBe(200);
  });
});
