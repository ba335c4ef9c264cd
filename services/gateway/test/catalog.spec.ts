import { TestPlatform, api, devToken } from '@parley/testing';

/** The catalog through the real gateway and session service, on the real NATS and Postgres. */
describe('scenario catalog', () => {
  let platform: TestPlatform;
  let gateway: string;
  let trainee: string;
  let author: string;

  beforeAll(async () => {
    // turn-pipeline answers whether personas are played offline: only it knows its providers.
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'] });
    gateway = platform.url('gateway');
    trainee = await devToken(gateway, 'trainee-cat');
    author = await devToken(gateway, 'author-cat', ['author']);
  });

  afterAll(() => platform?.stop());

  it('refuses calls without a valid token', async () => {
    expect((await api(gateway, 'GET', '/api/scenarios')).status).toBe(401);
    const forged = await api(gateway, 'GET', '/api/scenarios', { token: `${trainee}x` });
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({ code: 'unauthorized', retryable: false });
  });

  it('lists at least 12 published scenarios across at least 4 categories', async () => {
    const { status, body } = await api(gateway, 'GET', '/api/scenarios?pageSize=100', { token: trainee });
    expect(status).toBe(200);
    expect(body.total).toBeGreaterThanOrEqual(12);
    expect(body.items.every((s: { status: string }) => s.status === 'published')).toBe(true);
    expect(new Set(body.items.map((s: { category: string }) => s.category)).size).toBeGreaterThanOrEqual(4);
    const first = body.items[0];
    expect(first.persona.name).toBeTruthy();
    expect(first.objectives.length).toBeGreaterThan(0);
    expect(first.estimatedMinutes).toBeGreaterThan(0);
    expect(first.offlineRoleplayer).toBe(true);
    // The branching script (keywords, outcomes) is for authors only.
    expect(body.items.every((s: { script?: unknown }) => s.script === undefined)).toBe(true);
    const asAuthor = await api(gateway, 'GET', `/api/scenarios/${first.id}`, { token: author });
    expect(asAuthor.body.script?.nodes.length).toBeGreaterThan(1);
    const asTrainee = await api(gateway, 'GET', `/api/scenarios/${first.id}`, { token: trainee });
    expect(asTrainee.body.script).toBeUndefined();
  });

  it('paginates without overlap', async () => {
    const page1 = await api(gateway, 'GET', '/api/scenarios?pageSize=5&page=1', { token: trainee });
    const page2 = await api(gateway, 'GET', '/api/scenarios?pageSize=5&page=2', { token: trainee });
    expect(page1.body.items).toHaveLength(5);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 5, total: page1.body.total });
    const ids1 = page1.body.items.map((s: { id: string }) => s.id);
    expect(page2.body.items.some((s: { id: string }) => ids1.includes(s.id))).toBe(false);
  });

  it('filters by category, difficulty, skill and language, and searches text', async () => {
    const all = (await api(gateway, 'GET', '/api/scenarios?pageSize=100', { token: trainee })).body.items as Array<{
      id: string;
      title: string;
      category: string;
      difficulty: string;
      skills: string[];
      objectives: Array<{ description: string }>;
    }>;
    const sample = all[0]!;
    const byCategory = await api(gateway, 'GET', `/api/scenarios?category=${sample.category}&pageSize=100`, { token: trainee });
    expect(byCategory.body.items.length).toBe(all.filter((s) => s.category === sample.category).length);
    const byDifficulty = await api(gateway, 'GET', `/api/scenarios?difficulty=${sample.difficulty}&pageSize=100`, { token: trainee });
    expect(byDifficulty.body.items.every((s: { difficulty: string }) => s.difficulty === sample.difficulty)).toBe(true);
    const skill = sample.skills[0]!;
    const bySkill = await api(gateway, 'GET', `/api/scenarios?skill=${skill}&pageSize=100`, { token: trainee });
    expect(bySkill.body.items.length).toBe(all.filter((s) => s.skills.includes(skill)).length);
    const byLanguage = await api(gateway, 'GET', '/api/scenarios?language=en&pageSize=100', { token: trainee });
    expect(byLanguage.body.total).toBeGreaterThan(0);

    const word = sample.title.split(' ').find((w) => w.length > 4)!.toUpperCase();
    const byTitle = await api(gateway, 'GET', `/api/scenarios?search=${encodeURIComponent(word)}`, { token: trainee });
    expect(byTitle.body.items.map((s: { id: string }) => s.id)).toContain(sample.id);
    const objectiveWords = sample.objectives[0]!.description.split(' ').slice(0, 3).join(' ');
    const byObjective = await api(gateway, 'GET', `/api/scenarios?search=${encodeURIComponent(objectiveWords)}`, { token: trainee });
    expect(byObjective.body.items.map((s: { id: string }) => s.id)).toContain(sample.id);
    const none = await api(gateway, 'GET', '/api/scenarios?search=zzqxnotathing', { token: trainee });
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('rejects bad query parameters with 422 naming the field', async () => {
    const bad = await api(gateway, 'GET', '/api/scenarios?difficulty=impossible&pageSize=1000', { token: trainee });
    expect(bad.status).toBe(422);
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['difficulty', 'pageSize']));
  });

  it('answers 404 for an unknown scenario and serves skills and templates', async () => {
    expect((await api(gateway, 'GET', '/api/scenarios/does-not-exist', { token: trainee })).status).toBe(404);
    const skills = await api(gateway, 'GET', '/api/skills', { token: trainee });
    expect(skills.body.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(skills.body[0].rubric).sort()).toEqual(['1', '2', '3', '4', '5']);
    const templates = await api(gateway, 'GET', '/api/templates', { token: trainee });
    expect(templates.body.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining(['customer-service', 'language-teacher', 'tech-support', 'general-assistant']),
    );
  });

  it('lets an author create a draft, refuses to publish it incomplete, then publishes it', async () => {
    expect((await api(gateway, 'POST', '/api/scenarios', { token: trainee, body: { title: 'Nope' } })).status).toBe(403);

    const created = await api(gateway, 'POST', '/api/scenarios', { token: author, body: { title: 'Parking permit appeal' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', version: 1, title: 'Parking permit appeal' });
    const id = created.body.id as string;
    expect((await api(gateway, 'GET', `/api/scenarios/${id}`, { token: trainee })).status).toBe(404);

    const incomplete = await api(gateway, 'POST', `/api/scenarios/${id}/publish`, { token: author });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.code).toBe('scenario_incomplete');
    expect(incomplete.body.error.missing).toEqual(
      expect.arrayContaining(['summary', 'persona', 'traineeRole', 'objectives', 'endCriteria', 'skills', 'openingInstruction']),
    );

    const invalid = await api(gateway, 'PUT', `/api/scenarios/${id}`, { token: author, body: { difficulty: 'extreme' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.issues[0].path).toBe('difficulty');

    const seeded = (await api(gateway, 'GET', '/api/scenarios?pageSize=1', { token: trainee })).body.items[0];
    const { id: _id, version: _v, status: _s, estimatedMinutes: _e, offlineRoleplayer: _o, createdAt: _c, updatedAt: _u, ...content } = seeded;
    const complete = { ...content, title: 'Parking permit appeal', summary: 'Appeal a parking fine politely.' };
    const updated = await api(gateway, 'PUT', `/api/scenarios/${id}`, { token: author, body: complete });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, status: 'draft' });

    const published = await api(gateway, 'POST', `/api/scenarios/${id}/publish`, { token: author });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', version: 2 });
    const listed = await api(gateway, 'GET', '/api/scenarios?search=parking%20permit', { token: trainee });
    expect(listed.body).toMatchObject({ total: 1 });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(id);
  });
});
