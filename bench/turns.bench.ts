import type { ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken } from '@parley/testing';
import { PracticeClient, createSession, scenarioWithEndCriteria, spokenMp3 } from '../services/gateway/test/practice-client';
import { report, summarize } from './stats';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 4);
const TURNS_PER_SESSION = Number(process.env.BENCH_TURNS ?? 25);

/**
 * Turn latency with the offline providers (script roleplayer, Flite, pocketsphinx): trainee turn → ack, and
 * trainee turn → `ai_turn` pushed (transcription, reply, synthesis, MP3, storage and every hop between services).
 * Several sessions run at once, each strictly turn by turn, as trainees do.
 */
describe('turn latency benchmark', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['gateway', 'session', 'turn-pipeline', 'asr'], env: { LOG_LEVEL: 'warn' } });
  }, 120_000);

  afterAll(() => platform?.stop());

  it(`measures ${SESSIONS * TURNS_PER_SESSION} turns`, async () => {
    const gateway = platform.url('gateway');
    const token = await devToken(gateway, 'bench-trainee');
    const author = await devToken(gateway, 'bench-author', ['author']);
    const base = (await api<ScenarioView>(gateway, 'GET', '/api/scenarios/support-double-charge', { token })).body;
    const scenarioId = await scenarioWithEndCriteria(gateway, author, base, { maxTurns: 200, maxDurationSec: 1800, idleTimeoutSec: 600 });
    // Words no route listens for: every reply is a fallback line, so the conversation never ends early.
    const audio = await spokenMp3('The weather was lovely this morning near the river');
    const acks: number[] = [];
    const replies: number[] = [];

    await Promise.all(
      Array.from({ length: SESSIONS }, async () => {
        const created = await createSession(gateway, token, scenarioId);
        if (created.status !== 201) throw new Error(`session not created: ${JSON.stringify(created.body)}`);
        const sessionId = created.body.session.id;
        const client = await PracticeClient.connect(gateway, token);
        await client.join(sessionId);
        await client.next('ai_turn', (e) => e.turn.sequence === 0);
        for (let i = 0; i < TURNS_PER_SESSION; i++) {
          const sequence = 1 + i * 2;
          const sentAt = performance.now();
          const ack = await client.emit('trainee_turn', {
            sessionId,
            sequence,
            startedAt: new Date(Date.now() - 3000).toISOString(),
            endedAt: new Date().toISOString(),
            audio,
          });
          acks.push(performance.now() - sentAt);
          if (!ack.ok) throw new Error(JSON.stringify(ack.error));
          await client.next('ai_turn', (e) => e.turn.sequence === sequence + 1, 60_000);
          replies.push(performance.now() - sentAt);
        }
        client.close();
      }),
    );
    report('turn_ack_ms', summarize(acks));
    report('turn_to_ai_turn_ms', summarize(replies));
    expect(acks).toHaveLength(SESSIONS * TURNS_PER_SESSION);
  });
});
