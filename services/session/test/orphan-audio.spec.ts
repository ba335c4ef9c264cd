import { ObjectStorage, sessionPrefix } from '@parley/storage';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';

/** Audio a crash left without a turn row is removed once its session ends; the turns' audio stays. */
describe('orphaned audio', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline'] });
  }, 120_000);

  afterAll(() => platform?.stop());

  it('is swept after the session ends, durably, without touching the audio of stored turns', async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'orphan-trainee');
    const created = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId: 'support-double-charge', mode: 'turn', clientSessionStartedAt: new Date().toISOString() },
    });
    const sessionId = created.body.session.id as string;
    let opening: { audioUrl: string | null } | undefined;
    for (let i = 0; i < 200 && !opening; i++) {
      opening = (await api(gateway, 'GET', `/api/sessions/${sessionId}`, { token })).body.turns?.[0];
      if (!opening) await sleep(50);
    }
    const storage = new ObjectStorage({
      endpoint: platform.s3.endpoint,
      bucket: platform.s3.bucket,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    // What a session replica killed between storing a turn's audio and committing its row leaves behind.
    const orphan = `${sessionPrefix(sessionId)}turns/00001-trainee-crashed.mp3`;
    await storage.put(orphan, Buffer.from('not referenced'), 'audio/mpeg');
    expect((await storage.listKeys(sessionPrefix(sessionId))).sort()).toHaveLength(2);

    expect((await api(gateway, 'POST', `/api/sessions/${sessionId}/stop`, { token })).status).toBe(200);
    // The sweep runs as a delayed job even if this replica dies meanwhile.
    await platform.restartService('session');
    let keys = await storage.listKeys(sessionPrefix(sessionId));
    for (let i = 0; i < 60 && keys.includes(orphan); i++) {
      await sleep(250);
      keys = await storage.listKeys(sessionPrefix(sessionId));
    }
    expect(keys).toHaveLength(1);
    expect(keys).not.toContain(orphan);
    expect((await fetch(opening!.audioUrl!)).status).toBe(200);
  });
});
