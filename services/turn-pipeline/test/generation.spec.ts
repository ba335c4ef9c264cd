import { pcm16FromBytes } from '@parley/audio';
import { Bus } from '@parley/bus';
import { AppError, Commands, GenerationSubjects, Signals, type GenerateRequest, type GenerationEvent } from '@parley/contracts';
import { TestPlatform, sleep, startFakeOpenAi, type FakeOpenAi } from '@parley/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

const SCENARIO = 'sales-discovery-call';
const OPENING = 'Hi, this is Dana from Fleetline. I have about fifteen minutes before my next meeting, so what did you want to talk about?';
/** 200 ms at Flite's 16 kHz. */
const MAX_CHUNK_SAMPLES = 3200;

interface Received {
  event: GenerationEvent;
  at: number;
}

/** The events of one generation as they arrive (subscribed before the request is sent, as the protocol says). */
class Generation {
  readonly received: Received[] = [];
  private readonly release: () => void;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    readonly request: GenerateRequest,
  ) {
    this.release = bus.onSignal(GenerationSubjects.events(request.generationId), (payload) => {
      this.received.push({ event: payload as GenerationEvent, at: performance.now() });
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  get events(): GenerationEvent[] {
    return this.received.map((r) => r.event);
  }

  of<T extends GenerationEvent['type']>(type: T): Extract<GenerationEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<GenerationEvent, { type: T }> => e.type === type);
  }

  async send(): Promise<unknown> {
    return this.bus.request(Commands.Generate, this.request);
  }

  async waitFor(predicate: (event: GenerationEvent) => boolean, timeoutMs = 15_000): Promise<GenerationEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; received: ${JSON.stringify(this.events.map(summary))}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
  }

  /** The `done` or `error` event, after which nothing else may arrive. */
  async end(timeoutMs = 15_000): Promise<GenerationEvent> {
    const end = await this.waitFor((e) => e.type === 'done' || e.type === 'error', timeoutMs);
    await sleep(300);
    expect(this.events.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
    expect(this.events[this.events.length - 1]).toBe(end);
    return end;
  }

  close(): void {
    this.release();
  }
}

function summary(event: GenerationEvent): unknown {
  return event.type === 'audio' ? { ...event, pcm: `${event.pcm.length} b64 chars` } : event;
}

function samplesOf(audio: Extract<GenerationEvent, { type: 'audio' }>[]): Int16Array[] {
  return audio.map((a) => pcm16FromBytes(Buffer.from(a.pcm, 'base64')));
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

async function createSession(databaseUrl: string, status: 'active' | 'ended' = 'active'): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO practice_sessions (id, user_id, scenario_id, scenario_version, mode, status, client_started_at, updated_at)
       SELECT $1, 'trainee-generation', id, published_version, 'realtime', $3, now(), now() FROM scenarios WHERE id = $2
       RETURNING id`,
      [randomUUID(), SCENARIO, status],
    );
    if (!rows[0]) throw new Error(`scenario ${SCENARIO} is not seeded`);
    return rows[0].id;
  } finally {
    await client.end();
  }
}

const generationId = () => `g-${randomBytes(6).toString('hex')}`;

async function connectBus(platform: TestPlatform): Promise<Bus> {
  return Bus.connect({ url: platform.natsUrl, namespace: platform.namespace, service: 'generation-test', requestTimeoutMs: 5_000 });
}

/** Realtime voice's LLM + TTS half (SPEC §7): `pipeline.generate` and its events on `gen.<id>`. */
describe('live generation, offline', () => {
  let platform: TestPlatform;
  let bus: Bus;
  let sessionId: string;
  const open: Generation[] = [];

  beforeAll(async () => {
    platform = await TestPlatform.start({ services: ['turn-pipeline'] });
    bus = await connectBus(platform);
    sessionId = await createSession(platform.databaseUrl);
  }, 120_000);

  afterAll(async () => {
    open.forEach((g) => g.close());
    await bus?.close(0);
    await platform?.stop();
  });

  function generation(request: Partial<GenerateRequest>): Generation {
    const g = new Generation(bus, { generationId: generationId(), sessionId, history: [], speak: true, ...request });
    open.push(g);
    return g;
  }

  it("streams the script's opening as deltas, then each sentence as PCM16 chunks of speech, then done", async () => {
    const g = generation({ voice: 'rms' });
    expect(await g.send()).toEqual({ accepted: true });
    const done = await g.end();
    expect(done).toMatchObject({ type: 'done', text: OPENING, model: 'offline-script', offline: true });

    const deltas = g.of('delta');
    expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.text).join('')).toBe(OPENING);
    expect(deltas.length).toBeGreaterThan(10); // word by word, not the whole line at once
    if (done.type !== 'done') throw new Error('unreachable');
    expect(done.tokens).toBe(deltas.length);
    expect(done.llmFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(done.ttsFirstByteMs).toBeGreaterThanOrEqual(done.llmFirstTokenMs);

    const audio = g.of('audio');
    expect(audio.map((a) => a.index)).toEqual(audio.map((_, i) => i));
    expect(audio.every((a) => a.sampleRate === 16_000)).toBe(true);
    // One text per sentence, on the sentence's first chunk, in order.
    expect(audio.filter((a) => a.text).map((a) => a.text)).toEqual([
      'Hi, this is Dana from Fleetline.',
      'I have about fifteen minutes before my next meeting, so what did you want to talk about?',
    ]);
    expect(audio[0]!.text).toBeDefined();
    const chunks = samplesOf(audio);
    for (const chunk of chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(MAX_CHUNK_SAMPLES);
    }
    // Speech-length audio that is not silence: ~7 s for this line at a normal speaking rate.
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(total / 16_000).toBeGreaterThan(4);
    expect(total / 16_000).toBeLessThan(15);
    const all = new Int16Array(total);
    chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
    expect(rms(all)).toBeGreaterThan(300);
    // Audio follows the first sentence's deltas, the end follows everything.
    const firstAudio = g.events.findIndex((e) => e.type === 'audio');
    expect(firstAudio).toBeGreaterThan(g.events.findIndex((e) => e.type === 'delta' && e.text.includes('Fleetline.')));
  });

  it('writes without speaking when speak is false', async () => {
    const g = generation({ speak: false, history: [{ speaker: 'ai', text: OPENING }, { speaker: 'trainee', text: 'Tell me about your current process' }] });
    await g.send();
    const done = await g.end();
    expect(done.type).toBe('done');
    expect(g.of('audio')).toHaveLength(0);
    if (done.type === 'done') {
      expect(done.ttsFirstByteMs).toBeUndefined();
      expect(g.of('delta').map((d) => d.text).join('')).toBe(done.text);
    }
  });

  it('answers a malformed request with validation_failed and publishes nothing', async () => {
    // A dot is legal in a subject but not in a generation id.
    const g = generation({ generationId: 'bad.id' });
    const error = await g.send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    const missing = await bus.request(Commands.Generate, { generationId: generationId(), sessionId }).catch((e: unknown) => e);
    expect((missing as AppError).code).toBe('validation_failed');
    await sleep(300);
    expect(g.events).toHaveLength(0);
  });

  it('ends with not_found for an unknown session and session_ended for a closed one', async () => {
    const unknown = generation({ sessionId: randomUUID() });
    expect(await unknown.send()).toEqual({ accepted: true });
    expect(await unknown.end()).toMatchObject({ type: 'error', error: { code: 'not_found' } });

    const closed = generation({ sessionId: await createSession(platform.databaseUrl, 'ended') });
    await closed.send();
    expect(await closed.end()).toMatchObject({ type: 'error', error: { code: 'session_ended' } });
    expect(closed.of('delta')).toHaveLength(0);
  });
});

describe('live generation on an OpenAI-compatible model', () => {
  let fake: FakeOpenAi;
  let platform: TestPlatform;
  let bus: Bus;
  let sessionId: string;
  const open: Generation[] = [];
  const HISTORY = [
    { speaker: 'ai' as const, text: OPENING },
    { speaker: 'trainee' as const, text: 'How do you plan routes today?' },
  ];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    platform = await TestPlatform.start({
      services: ['turn-pipeline'],
      env: { LLM_BASE_URL: fake.url, LLM_API_KEY: 'test-key', LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '1000', GENERATION_CONCURRENCY: '2' },
    });
    bus = await connectBus(platform);
    sessionId = await createSession(platform.databaseUrl);
  }, 120_000);

  afterAll(async () => {
    open.forEach((g) => g.close());
    await bus?.close(0);
    await platform?.stop();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  function generation(request: Partial<GenerateRequest>): Generation {
    const g = new Generation(bus, { generationId: generationId(), sessionId, history: HISTORY, speak: true, ...request });
    open.push(g);
    return g;
  }

  it('speaks the first sentence while the model is still writing the rest, with the given system prompt', async () => {
    const reply =
      'We plan them by hand. Every morning two dispatchers spend an hour on it. Honestly, it is the part of the day everyone dreads.';
    // The reply streams; the objective check that follows gets the fake's default judgement.
    fake.enqueue('chat', { reply, chunkDelayMs: 60 });
    const systemPrompt = 'You are Sam, a fleet manager who is tired of manual routing.';
    const g = generation({ systemPrompt });
    await g.send();
    const done = await g.end();
    expect(done).toMatchObject({ type: 'done', text: reply, model: 'fake-model', offline: false });

    const chat = fake.requestsTo('chat').filter((r) => r.body.stream);
    expect(chat).toHaveLength(1);
    expect(chat[0]!.body.messages[0]).toEqual({ role: 'system', content: expect.stringContaining(systemPrompt) });
    expect(chat[0]!.body.messages.slice(1)).toEqual([
      { role: 'assistant', content: OPENING },
      { role: 'user', content: 'How do you plan routes today?' },
    ]);

    const firstAudio = g.received.find((r) => r.event.type === 'audio')!;
    const deltas = g.received.filter((r) => r.event.type === 'delta');
    const lastDelta = deltas[deltas.length - 1]!;
    // ~24 words at 60 ms: the model writes for ~1.5 s; the first sentence (5 words) is heard long before that.
    expect(firstAudio.at).toBeLessThan(lastDelta.at - 500);
    expect(g.of('audio').filter((a) => a.text).map((a) => a.text)).toEqual([
      'We plan them by hand.',
      'Every morning two dispatchers spend an hour on it.',
      'Honestly, it is the part of the day everyone dreads.',
    ]);
    if (done.type === 'done') {
      expect(done.tokens).toBe(deltas.length);
      expect(done.ttsFirstByteMs).toBeLessThan(1500);
      expect(done.llmFirstTokenMs).toBeLessThan(done.ttsFirstByteMs!);
    }
  });

  it('cancel aborts the model request at once and nothing more arrives, not even done', async () => {
    fake.setBehaviour('chat', { reply: 'One two three four five six seven eight nine ten eleven twelve. Thirteen fourteen.', chunkDelayMs: 150 });
    const g = generation({});
    await g.send();
    await g.waitFor((e) => e.type === 'delta');
    const cancelledAt = Date.now();
    bus.signal(GenerationSubjects.cancel(g.request.generationId));
    for (let i = 0; i < 40 && fake.requestsTo('chat')[0]?.abortedAt === undefined; i++) await sleep(25);
    const aborted = fake.requestsTo('chat')[0]?.abortedAt;
    expect(aborted).toBeDefined();
    expect(aborted! - cancelledAt).toBeLessThan(500);
    const countSoonAfter = (await sleep(100), g.events.length);
    await sleep(1000); // the model would have written ~7 more words by now
    expect(g.events).toHaveLength(countSoonAfter);
    expect(g.events.some((e) => e.type === 'done' || e.type === 'error')).toBe(false);
    expect(g.of('delta').length).toBeLessThan(8);
  });

  it("the session's end aborts the generation with session_ended", async () => {
    fake.setBehaviour('chat', { reply: 'One two three four five six seven eight nine ten eleven twelve.', chunkDelayMs: 150 });
    const g = generation({});
    await g.send();
    await g.waitFor((e) => e.type === 'delta');
    bus.signal(Signals.SessionEnded(sessionId));
    expect(await g.end(3_000)).toMatchObject({ type: 'error', error: { code: 'session_ended' } });
    for (let i = 0; i < 40 && fake.requestsTo('chat')[0]?.abortedAt === undefined; i++) await sleep(25);
    expect(fake.requestsTo('chat')[0]?.abortedAt).toBeDefined();
  });

  it('a model that stalls after its first words ends in provider_error, without a retry that would repeat them', async () => {
    fake.setBehaviour('chat', { reply: 'Well, let me think about that for a moment.', stallAfterChunks: 3 });
    const g = generation({});
    const started = Date.now();
    await g.send();
    const end = await g.end(10_000);
    expect(end).toMatchObject({ type: 'error', error: { code: 'provider_error', retryable: true } });
    // Cut by the provider's own no-progress timer (LLM_TIMEOUT_MS=1000), not by a test timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(g.of('delta').map((d) => d.text).join('')).toBe('Well, let ');
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('runs at most GENERATION_CONCURRENCY generations at once and answers the next capacity_exceeded', async () => {
    fake.setBehaviour('chat', { reply: 'Slow words keep coming one by one for a long while.', chunkDelayMs: 300 });
    const running = [generation({ speak: false }), generation({ speak: false })];
    for (const g of running) expect(await g.send()).toEqual({ accepted: true });
    const refused = await generation({ speak: false }).send().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('capacity_exceeded');
    for (const g of running) bus.signal(GenerationSubjects.cancel(g.request.generationId));
    let accepted: unknown;
    for (let i = 0; i < 40 && !accepted; i++) {
      await sleep(50);
      accepted = await generation({ speak: false }).send().catch(() => undefined);
    }
    expect(accepted).toEqual({ accepted: true });
  });
});
