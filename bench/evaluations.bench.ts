import { TestPlatform, devToken } from '@parley/testing';
import { PracticeClient, createSession } from '../services/gateway/test/practice-client';
import { report, summarize } from './stats';

const SESSIONS = Number(process.env.BENCH_EVAL_SESSIONS ?? 50);
const CONCURRENCY = 5;

/** Session end → `evaluation_ready` at the client, with the offline evaluator (SPEC §5 target: 90% within 60 s). */
describe('evaluation latency benchmark', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'evaluator'], env: { LOG_LEVEL: 'warn' } });
  }, 120_000);

  afterAll(() => platform?.stop());

  it(`measures ${SESSIONS} evaluations`, async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'bench-evaluations');
    const samples: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SESSIONS) {
          next++;
          const sessionId = (await createSession(gateway, token, 'mgmt-delegate-task')).body.session.id;
          const client = await PracticeClient.connect(gateway, token);
          await client.join(sessionId);
          await client.next('ai_turn', (e) => e.turn.sequence === 0);
          const stoppedAt = performance.now();
          await client.emit('stop', { sessionId });
          await client.next('evaluation_ready', () => true, 60_000);
          samples.push(performance.now() - stoppedAt);
          client.close();
        }
      }),
    );
    report('session_end_to_evaluation_ready_ms', summarize(samples));
    expect(samples.length).toBeGreaterThanOrEqual(SESSIONS);
  });
});
