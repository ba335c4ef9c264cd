import { startFakeRealtime, type FakeRealtime } from '@parley/testing';
import type { GenerationRequest, GeneratorEvent, HistoryEntry } from '../ports';
import { EngineSwitch } from './engine-switch';
import { S2sUnavailable } from './realtime-socket';
import { S2S_SAMPLE_RATE, S2sGenerator } from './s2s-generator';

const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const settings = { debounceMs: 400, commitMs: 200, adaptive: true, bargeIn: true } as GenerationRequest['settings'];

function request(history: HistoryEntry[], controller = new AbortController()): GenerationRequest {
  return { generationId: `g${Math.random()}`, kind: history.length ? 'reply' : 'opening', history, settings, signal: controller.signal };
}

async function collect(stream: AsyncIterable<GeneratorEvent>, until?: (events: GeneratorEvent[]) => boolean): Promise<GeneratorEvent[]> {
  const events: GeneratorEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (until?.(events)) break;
  }
  return events;
}

describe('S2sGenerator against the fake Realtime server', () => {
  let fake: FakeRealtime;
  const lost: string[] = [];
  const make = () =>
    new S2sGenerator({ baseUrl: fake.url, apiKey: 'k', model: 'fake-rt', voice: 'alloy', instructions: (live) => live?.systemPrompt ?? 'You are Sam.', logger, onLost: (r) => lost.push(r), attempts: 2, backoffMs: 10 });

  beforeAll(async () => {
    fake = await startFakeRealtime({ reply: 'Hello there. How can I help?', paceFactor: 0 });
  });
  afterAll(() => fake.close());

  it('configures the session, streams audio and transcript, keeps the conversation in step and truncates a cut turn', async () => {
    const s2s = make();
    await s2s.connect();
    const opening = await collect(s2s.start(request([])));
    const conn = fake.connections.at(-1)!;
    expect(conn.headers.authorization).toBe('Bearer k');
    expect(conn.path).toContain('model=fake-rt');
    expect(conn.session).toMatchObject({ instructions: 'You are Sam.', voice: 'alloy', turn_detection: null });
    const audio = opening.filter((e) => e.type === 'audio');
    expect(audio.length).toBeGreaterThan(3);
    expect(audio.every((e) => e.type === 'audio' && e.sampleRate === S2S_SAMPLE_RATE)).toBe(true);
    const text = opening.filter((e) => e.type === 'delta').map((e) => (e.type === 'delta' ? e.text : '')).join('');
    expect(text).toBe('Hello there. How can I help?');
    const done = opening.at(-1)!;
    expect(done).toMatchObject({ type: 'done', tokens: 6 });
    expect(done.type === 'done' && done.ttsFirstByteMs).toBeGreaterThanOrEqual(0);

    // The reply: our trainee entry is created; the provider's own item stands for the opening.
    fake.set({ paceFactor: 1, reply: 'Let me explain what happened with your order in some detail now.' });
    const controller = new AbortController();
    const history: HistoryEntry[] = [{ speaker: 'ai', text }, { speaker: 'trainee', text: 'I was charged twice' }];
    const reply = await collect(s2s.start(request(history, controller)), (events) => events.filter((e) => e.type === 'audio').length >= 3);
    expect(conn.items.map((i) => `${i.role}:${i.text}`).slice(0, 2)).toEqual([`assistant:${text}`, 'user:I was charged twice']);
    // Barge-in: the conversation aborts, says it cut the turn, then reports what was heard.
    controller.abort();
    s2s.interrupted(250);
    s2s.heard('not-this-one', 999);
    expect(fake.truncations).toHaveLength(0);
    const replyId = conn.items.at(-1)!.id;
    const generationId = (s2s as unknown as { lastVoiced: string }).lastVoiced;
    s2s.heard(generationId, 180);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.received('response.cancel')).toHaveLength(1);
    expect(fake.truncations).toEqual([expect.objectContaining({ item_id: replyId, content_index: 0, audio_end_ms: 180 })]);
    expect(reply.some((e) => e.type === 'delta')).toBe(true);

    // The next generation: the cut item stays (our history has the heard part), the new trainee entry follows.
    fake.set({ paceFactor: 0, reply: 'Sure.' });
    const next = await collect(s2s.start(request([...history, { speaker: 'ai', text: 'Let me' }, { speaker: 'trainee', text: 'Why?' }])));
    expect(next.at(-1)?.type).toBe('done');
    expect(conn.items.map((i) => i.role)).toEqual(['assistant', 'user', 'assistant', 'user', 'assistant']);
    // A speculative generation that was dropped: its trainee entry and reply are deleted when the history differs.
    const changed = request([...history, { speaker: 'ai', text: 'Let me' }, { speaker: 'trainee', text: 'Why? Tell me' }]);
    await collect(s2s.start({ ...changed, settings: { ...settings, systemPrompt: 'You are Max now.' } }));
    expect(conn.session?.instructions).toBe('You are Max now.');
    expect(conn.items.map((i) => `${i.role}:${i.role === 'user' ? i.text : ''}`).slice(3)).toEqual(['user:Why? Tell me', 'assistant:']);
    s2s.close();
  });

  it('refusal: connect fails with the HTTP status, without retrying a 401', async () => {
    fake.set({ refuse: 401 });
    const before = fake.refusals.length;
    await expect(make().connect()).rejects.toThrow(/HTTP 401/);
    expect(fake.refusals.length - before).toBe(1);
    fake.set({ refuse: 503 });
    await expect(make().connect()).rejects.toBeInstanceOf(S2sUnavailable);
    expect(fake.refusals.length - before).toBe(3); // bounded: two attempts
    fake.set({ refuse: null });
  });

  it('a drop mid-reply fails the generation, the switch falls back and the next generation goes to the cascade', async () => {
    fake.set({ paceFactor: 1, reply: 'One two three four five six seven eight nine ten.', dropAfterChunks: 2 });
    const fallbacks: string[] = [];
    const s2s = make();
    await s2s.connect();
    const cascade = { start: async function* (): AsyncGenerator<GeneratorEvent> { yield { type: 'delta', text: 'cascade' }; yield { type: 'done', tokens: 1 }; } };
    const engine = new EngineSwitch(s2s, cascade, (reason) => fallbacks.push(reason));
    await expect(collect(engine.start(request([])))).rejects.toBeInstanceOf(S2sUnavailable);
    expect(fallbacks).toHaveLength(1);
    expect(engine.engine).toBe('cascade');
    expect(lost.length).toBeGreaterThan(0);
    expect(await collect(engine.start(request([])))).toEqual([{ type: 'delta', text: 'cascade' }, { type: 'done', tokens: 1 }]);
  });
});
