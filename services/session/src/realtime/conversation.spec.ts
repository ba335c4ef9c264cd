import {
  DEFAULT_REALTIME_SETTINGS,
  type GenerationRecord,
  type RealtimeSettings,
  type RtServerEventName,
  type RtServerPayloads,
  type TurnView,
} from '@parley/contracts';
import { Conversation, DEFAULT_TUNING, type ConversationTuning } from './conversation';
import type {
  AiTurnRecord,
  ClockPort,
  GenerationRequest,
  GeneratorEvent,
  RecognizerStream,
  TraineeUtteranceRecord,
} from './ports';

const FRAME_MS = 20;
const T0 = Date.UTC(2026, 0, 1);
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Fake time: timers run in order as time advances, with pending promises settled after each. */
class FakeClock implements ClockPort {
  t = T0;
  private timers: { at: number; id: number; callback: () => void }[] = [];
  private ids = 0;
  now = () => this.t;
  setTimeout = (callback: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, id, callback });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  get pending() {
    return this.timers.length;
  }
  sleep(ms: number) {
    return new Promise<void>((resolve) => this.setTimeout(resolve, ms));
  }
  async advance(ms: number) {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.t = next.at;
      next.callback();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/** The fake VAD reads the first sample: 1 is voice, 0 silence; the second sample carries the frame number. */
const frame = (voiced: boolean, n: number) => {
  const pcm = new Int16Array((16_000 * FRAME_MS) / 1000);
  pcm[0] = voiced ? 1 : 0;
  pcm[1] = n;
  return pcm;
};

class FakeRecognizer {
  /** The words each new stream recognizes, in order; a stream beyond the script hears nothing. */
  script: string[] = [];
  streams: { text: string; written: Int16Array[]; cancelled: boolean; finished: boolean }[] = [];
  /** When set, writes wait for it: a slow recognizer. */
  gate: Promise<void> | null = null;

  open(): RecognizerStream {
    const state = { text: this.script.shift() ?? '', written: [] as Int16Array[], cancelled: false, finished: false };
    this.streams.push(state);
    return {
      write: (pcm) => {
        state.written.push(pcm);
        return this.gate ?? undefined;
      },
      partial: () => (state.written.length ? state.text : ''),
      finish: async () => {
        state.finished = true;
        return state.text;
      },
      cancel: () => {
        state.cancelled = true;
      },
    };
  }
}

type Step = GeneratorEvent | { type: 'wait'; ms: number };
const audio = (ms: number, text?: string): Step => ({
  type: 'audio',
  pcm: new Int16Array((16_000 * ms) / 1000).fill(7),
  sampleRate: 16_000,
  ...(text !== undefined ? { text } : {}),
});
const REPLY: Step[] = [
  { type: 'delta', text: 'Hello ' },
  { type: 'delta', text: 'there.' },
  audio(200, 'Hello there.'),
  { type: 'done', tokens: 5 },
];

class FakeGenerator {
  scripts: Step[][] = [];
  requests: GenerationRequest[] = [];
  aborted: string[] = [];
  /** Steps each generation actually ran, to prove an abort stops it. */
  consumed = new Map<string, number>();
  failWith: Error | null = null;

  constructor(private readonly clock: FakeClock) {}

  start(request: GenerationRequest): AsyncIterable<GeneratorEvent> {
    this.requests.push(request);
    request.signal.addEventListener('abort', () => this.aborted.push(request.generationId));
    const steps = this.scripts.shift() ?? REPLY;
    const failure = this.failWith;
    const { clock, consumed } = this;
    return (async function* () {
      consumed.set(request.generationId, 0);
      if (failure) throw failure;
      for (const step of steps) {
        if (request.signal.aborted) return;
        consumed.set(request.generationId, consumed.get(request.generationId)! + 1);
        if (step.type === 'wait') await clock.sleep(step.ms);
        else yield step;
      }
    })();
  }
}

function setup(settings: Partial<RealtimeSettings> = {}, tuning: Partial<ConversationTuning> = {}) {
  const clock = new FakeClock();
  const recognizer = new FakeRecognizer();
  const generator = new FakeGenerator(clock);
  const emitted: { event: RtServerEventName; payload: unknown; at: number }[] = [];
  const trainee: TraineeUtteranceRecord[] = [];
  const ai: AiTurnRecord[] = [];
  const unattached: GenerationRecord[] = [];
  const errors: unknown[] = [];
  const providerErrors: unknown[] = [];
  let ids = 0;
  const view = (record: TraineeUtteranceRecord | AiTurnRecord, speaker: 'ai' | 'trainee'): TurnView => ({
    id: record.turnId,
    sequence: record.sequence,
    speaker,
    text: record.text,
    transcriptionStatus: speaker === 'trainee' ? 'done' : null,
    audioUrl: null,
    audioBytes: null,
    durationMs: null,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    interrupted: 'interrupted' in record && record.interrupted,
    latency: record.latency,
    heardMs: 'heardMs' in record ? record.heardMs : null,
    transitions: record.transitions,
    engine: speaker === 'ai' ? 'cascade' : null,
  });
  const conversation = new Conversation(
    'session-1',
    {
      vad: (pcm) => ({ voiced: pcm[0] === 1 }),
      recognizer,
      generator,
      emit: (event, payload) => emitted.push({ event, payload, at: clock.t }),
      store: {
        traineeUtterance: async (record) => (trainee.push(record), view(record, 'trainee')),
        aiTurn: async (record) => (ai.push(record), view(record, 'ai')),
        generations: async (records) => void unattached.push(...records),
      },
      clock,
      logger: { debug: () => {}, warn: () => {}, error: (context) => errors.push(context) },
      newId: () => `id-${++ids}`,
      providerError: (error) => providerErrors.push(error),
    },
    { ...DEFAULT_REALTIME_SETTINGS, ...settings },
    tuning,
  );
  let seq = 0;
  const frames = async (ms: number, voiced: boolean) => {
    for (let t = 0; t < ms; t += FRAME_MS) {
      await clock.advance(FRAME_MS);
      conversation.pushFrame(seq, frame(voiced, seq));
      seq += 1;
    }
    await flush();
  };
  const events = <E extends RtServerEventName>(event: E) =>
    emitted.filter((e) => e.event === event).map((e) => e.payload as RtServerPayloads[E]);
  const states = () => events('state_change').map((change) => `${change.from}>${change.to}`);
  /** One trainee utterance answered to the end; `cancelFirst` makes the trainee resume speech during SPECULATIVE. */
  const turn = async (cancelFirst = false) => {
    recognizer.script.push('first words', 'more words');
    await frames(400, true);
    if (cancelFirst) {
      await frames(450, false);
      await frames(300, true);
    }
    await frames(1600, false);
  };
  return {
    clock,
    recognizer,
    generator,
    conversation,
    emitted,
    trainee,
    ai,
    unattached,
    errors,
    providerErrors,
    events,
    states,
    speak: (ms: number) => frames(ms, true),
    silence: (ms: number) => frames(ms, false),
    turn,
  };
}

describe('Conversation', () => {
  it('takes a clean turn IDLE → LISTENING → SPECULATIVE → COMMITTED → SPEAKING → IDLE', async () => {
    const c = setup();
    c.recognizer.script = ['hello there'];
    await c.speak(400);
    expect(c.conversation.state).toBe('LISTENING');
    expect(c.events('rt_transcript').at(-1)).toEqual({ sessionId: 'session-1', turnId: 'id-1', text: 'hello there', final: false });

    await c.silence(450);
    expect(c.conversation.state).toBe('SPECULATIVE');
    expect(c.events('ai_text')).toEqual([]);
    expect(c.events('ai_audio_chunk')).toEqual([]);

    await c.silence(1000);
    expect(c.states()).toEqual([
      'IDLE>LISTENING',
      'LISTENING>SPECULATIVE',
      'SPECULATIVE>COMMITTED',
      'COMMITTED>SPEAKING',
      'SPEAKING>IDLE',
    ]);
    expect(c.events('rt_transcript').at(-1)).toMatchObject({ text: 'hello there', final: true });
    expect(c.events('speech').map((s) => [s.speaking, Date.parse(s.at) - T0])).toEqual([
      [true, 0],
      [false, 400],
    ]);
    expect(c.events('ai_text').map((t) => t.delta)).toEqual(['Hello ', 'there.']);
    const chunks = c.events('ai_audio_chunk');
    expect(chunks.map((chunk) => [chunk.index, chunk.final, chunk.pcm.byteLength])).toEqual([
      [0, false, 6400],
      [1, true, 0],
    ]);
    // Output waits for the commit: speech end (400) + debounce (400) + commit (200).
    const firstText = c.emitted.find((e) => e.event === 'ai_text')!;
    expect(firstText.at - T0).toBe(1000);

    expect(c.generator.requests[0].history).toEqual([{ speaker: 'trainee', text: 'hello there' }]);
    expect(c.trainee).toHaveLength(1);
    expect(c.trainee[0]).toMatchObject({ turnId: 'id-1', sequence: 0, text: 'hello there', latency: { transcriptMs: DEFAULT_TUNING.hangoverMs } });
    expect(Date.parse(c.trainee[0].endedAt) - T0).toBe(400);
    expect(c.trainee[0].audio.pcm.length).toBe(400 * 16);
    expect(c.trainee[0].transitions.map((t) => t.to)).toEqual(['LISTENING', 'SPECULATIVE', 'COMMITTED']);

    expect(c.ai).toHaveLength(1);
    expect(c.ai[0]).toMatchObject({
      sequence: 1,
      text: 'Hello there.',
      interrupted: false,
      heardMs: null,
      durationMs: 200,
      latency: { transcriptMs: DEFAULT_TUNING.hangoverMs, llmFirstTokenMs: 0, speechEndToAudioMs: 600 },
    });
    expect(c.ai[0].transitions.map((t) => t.to)).toEqual(['SPEAKING', 'IDLE']);
    expect(c.ai[0].generations.map((g) => [g.outcome, g.tokens])).toEqual([['completed', 5]]);
    expect(c.events('latency')).toEqual([
      { sessionId: 'session-1', turnId: c.ai[0].turnId, transcriptMs: DEFAULT_TUNING.hangoverMs, llmFirstTokenMs: 0, ttsFirstByteMs: 0, speechEndToFirstAudioMs: 600 },
    ]);
    expect(c.events('turn_stored').map((s) => s.turn.speaker)).toEqual(['trainee', 'ai']);
  });

  it('opens with an AI turn nobody asked for (IDLE → COMMITTED) and continues after a resume', async () => {
    const c = setup();
    expect(c.conversation.startAiTurn('opening')).toBe(true);
    await c.clock.advance(1000);
    expect(c.states()).toEqual(['IDLE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
    expect(c.ai[0]).toMatchObject({ sequence: 0, kind: 'opening', text: 'Hello there.' });
    expect(c.events('latency')[0]).toMatchObject({ transcriptMs: null, speechEndToFirstAudioMs: null });

    const other = setup();
    expect(
      other.conversation.resume([
        { sequence: 1, speaker: 'trainee', text: 'hi' },
        { sequence: 0, speaker: 'ai', text: 'Welcome.' },
      ]),
    ).toBe(true);
    await other.turn();
    expect(other.generator.requests[0].history).toEqual([
      { speaker: 'ai', text: 'Welcome.' },
      { speaker: 'trainee', text: 'hi' },
      { speaker: 'trainee', text: 'first words' },
    ]);
    expect(other.trainee[0].sequence).toBe(2);
    expect(other.ai[0].sequence).toBe(3);
  });

  it('cancels a speculation silently when the trainee speaks again, and extends the same utterance', async () => {
    const c = setup();
    c.generator.scripts.push([...REPLY.slice(0, 2), { type: 'wait', ms: 5000 }, ...REPLY.slice(2)]);
    c.recognizer.script = ['I want a refund', 'for my order'];
    await c.speak(400);
    await c.silence(450);
    expect(c.conversation.state).toBe('SPECULATIVE');
    const speculative = c.generator.requests[0].generationId;

    await c.speak(300);
    expect(c.conversation.state).toBe('LISTENING');
    expect(c.generator.aborted).toEqual([speculative]);
    expect(c.events('ai_text')).toEqual([]);
    expect(c.events('ai_audio_chunk')).toEqual([]);
    await c.clock.advance(6000);
    // The aborted generation never ran past its wait.
    expect(c.generator.consumed.get(speculative)).toBe(3);

    await c.silence(1500);
    expect(c.states()).toEqual([
      'IDLE>LISTENING',
      'LISTENING>SPECULATIVE',
      'SPECULATIVE>LISTENING',
      'LISTENING>SPECULATIVE',
      'SPECULATIVE>COMMITTED',
      'COMMITTED>SPEAKING',
      'SPEAKING>IDLE',
    ]);
    expect(c.events('state_change')[2].reason).toBe('speculative_cancel');
    expect(c.trainee.map((t) => [t.turnId, t.text])).toEqual([['id-1', 'I want a refund for my order']]);
    expect(c.generator.requests[1].history.at(-1)).toEqual({ speaker: 'trainee', text: 'I want a refund for my order' });
    expect(c.ai[0].generations.map((g) => [g.outcome, g.tokens, g.cancelReason])).toEqual([
      ['speculative_canceled', 2, 'speech'],
      ['completed', 5, undefined],
    ]);
    expect(c.conversation.stats()).toMatchObject({ generations: 2, cancellations: 1, tokensWasted: 2 });
  });

  it('cancels on a correction marker even when the new speech is too short to cancel by itself', async () => {
    const marked = setup();
    marked.recognizer.script = ['I want a refund', 'wait'];
    await marked.speak(400);
    await marked.silence(450);
    await marked.speak(100);
    expect(marked.conversation.state).toBe('LISTENING');
    expect(marked.events('state_change').at(-1)).toMatchObject({ from: 'SPECULATIVE', to: 'LISTENING', reason: 'correction' });
    await marked.silence(1500);
    expect(marked.trainee[0].text).toBe('I want a refund wait');
    expect(marked.ai[0].generations[0]).toMatchObject({ outcome: 'speculative_canceled', cancelReason: 'correction' });

    const unmarked = setup();
    unmarked.recognizer.script = ['I want a refund', 'mm'];
    await unmarked.speak(400);
    await unmarked.silence(450);
    await unmarked.speak(100);
    expect(unmarked.conversation.state).toBe('SPECULATIVE');
    await unmarked.silence(1500);
    expect(unmarked.trainee[0].text).toBe('I want a refund');
    expect(unmarked.recognizer.streams[1].cancelled).toBe(true);
    expect(unmarked.ai[0].generations.map((g) => g.outcome)).toEqual(['completed']);
  });

  /** An opening of two 500 ms sentences, then more to come after a pause. */
  const longOpening: Step[] = [
    { type: 'delta', text: 'One two three. ' },
    audio(500, 'One two three.'),
    { type: 'delta', text: 'Four five six. ' },
    audio(500, 'Four five six.'),
    { type: 'wait', ms: 3000 },
    { type: 'delta', text: 'Seven.' },
    audio(500, 'Seven.'),
    { type: 'done', tokens: 9 },
  ];

  it('barges in: cancels the reply, tells the client what was heard, stores the turn cut to the playback report', async () => {
    const c = setup();
    c.generator.scripts.push(longOpening);
    c.conversation.startAiTurn('opening');
    await c.clock.advance(600);
    expect(c.conversation.state).toBe('SPEAKING');
    c.recognizer.script = ['excuse me'];
    const voiceStart = c.clock.t;
    await c.speak(120);

    expect(c.conversation.state).toBe('LISTENING');
    const interrupted = c.emitted.find((e) => e.event === 'interrupted')!;
    expect(interrupted.at - voiceStart).toBeLessThanOrEqual(200);
    // Server estimate: 700 ms since the first chunk went out.
    expect(interrupted.payload).toEqual({ sessionId: 'session-1', turnId: 'id-2', heardMs: 700, heardText: 'One two three. Four' });
    expect(c.generator.aborted).toEqual(['id-1']);
    expect(c.ai).toEqual([]);

    c.conversation.playback('id-2', 860);
    await c.clock.advance(0);
    expect(c.ai[0]).toMatchObject({
      turnId: 'id-2',
      interrupted: true,
      heardMs: 860,
      text: 'One two three. Four five',
      generatedText: 'One two three. Four five six. ',
      durationMs: 860,
    });
    expect(c.ai[0].audio!.pcm.length).toBe(860 * 16);
    expect(c.ai[0].generations.map((g) => g.outcome)).toEqual(['interrupted']);
    expect(c.ai[0].transitions.at(-1)).toMatchObject({ from: 'SPEAKING', to: 'LISTENING', reason: 'barge_in' });

    // The words that barged in start the next utterance.
    await c.speak(300);
    await c.silence(1500);
    expect(c.trainee[0]).toMatchObject({ sequence: 1, text: 'excuse me' });
    expect(c.generator.requests[1].history).toEqual([
      { speaker: 'ai', text: 'One two three. Four five' },
      { speaker: 'trainee', text: 'excuse me' },
    ]);
    expect(c.conversation.stats().interruptions).toBe(1);
  });

  it('stores what was sent when no playback report comes', async () => {
    const c = setup();
    c.generator.scripts.push(longOpening);
    c.conversation.startAiTurn('opening');
    await c.clock.advance(300);
    c.conversation.interrupt();
    // 300 of 500 ms of "One two three." is 8 of its 14 characters: "One two " — two whole words.
    expect(c.events('interrupted')[0]).toMatchObject({ heardMs: 300, heardText: 'One two' });
    expect(c.states().at(-1)).toBe('SPEAKING>LISTENING');
    await c.clock.advance(1000);
    expect(c.ai[0]).toMatchObject({ interrupted: true, heardMs: 300, text: 'One two' });
    // Nobody spoke after the interrupt: back to IDLE after the debounce.
    expect(c.conversation.state).toBe('IDLE');
  });

  it('never interrupts with bargeIn off', async () => {
    const c = setup({ bargeIn: false });
    c.generator.scripts.push(longOpening);
    c.conversation.startAiTurn('opening');
    await c.clock.advance(300);
    await c.speak(600);
    await c.silence(300);
    expect(c.events('interrupted')).toEqual([]);
    expect(c.conversation.state).toBe('SPEAKING');
    await c.clock.advance(5000);
    expect(c.states()).toEqual(['IDLE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
    expect(c.ai[0]).toMatchObject({ interrupted: false, text: 'One two three. Four five six. Seven.' });
    expect(c.trainee).toEqual([]);
  });

  it('treats a short blip as no utterance', async () => {
    const c = setup();
    await c.speak(80);
    await c.silence(1000);
    expect(c.states()).toEqual(['IDLE>LISTENING', 'LISTENING>IDLE']);
    expect(c.events('state_change')[1].reason).toBe('blip');
    expect(c.generator.requests).toEqual([]);
  });

  it('keeps a short syllable and the speech after a pause in one utterance', async () => {
    const c = setup();
    c.recognizer.script = ['', 'hello there'];
    await c.speak(80);
    await c.silence(200);
    await c.speak(400);
    await c.silence(1500);
    expect(c.states()).toEqual(['IDLE>LISTENING', 'LISTENING>SPECULATIVE', 'SPECULATIVE>COMMITTED', 'COMMITTED>SPEAKING', 'SPEAKING>IDLE']);
    expect(c.trainee).toHaveLength(1);
    expect(c.trainee[0]).toMatchObject({ text: 'hello there' });
    expect(Date.parse(c.trainee[0].startedAt) - T0).toBe(0);
  });

  it('adapts the debounce every 10 AI turns: up when the trainee often resumes, down when never', async () => {
    const up = setup();
    for (let i = 0; i < 10; i += 1) await up.turn(true);
    expect(up.ai).toHaveLength(10);
    expect(up.conversation.currentSettings.debounceMs).toBe(500);
    expect(up.events('telemetry').map((t) => [t.turns, t.cancellations, t.cancellationRate, t.debounceMs])).toEqual([
      [5, 5, 0.5, 400],
      [10, 10, 0.5, 500],
    ]);

    const down = setup({ debounceMs: 600 });
    for (let i = 0; i < 10; i += 1) await down.turn();
    expect(down.conversation.currentSettings.debounceMs).toBe(550);
    expect(down.events('telemetry')[1]).toMatchObject({ turns: 10, cancellations: 0, tokensWasted: 0, avgSpeechEndToFirstAudioMs: 800 });

    const off = setup({ debounceMs: 600, adaptive: false });
    for (let i = 0; i < 10; i += 1) await off.turn();
    expect(off.conversation.currentSettings.debounceMs).toBe(600);
  }, 20_000);

  it('applies settings at once', async () => {
    const c = setup();
    c.recognizer.script = ['hello'];
    await c.speak(400);
    await c.silence(200);
    expect(c.conversation.updateSettings({ debounceMs: 1000, commitMs: 100 })).toMatchObject({ debounceMs: 1000, commitMs: 100 });
    await c.silence(500);
    expect(c.conversation.state).toBe('LISTENING');
    await c.silence(400);
    const changes = c.emitted.filter((e) => e.event === 'state_change').map((e) => [(e.payload as { to: string }).to, e.at - T0]);
    expect(changes.slice(1, 3)).toEqual([
      ['SPECULATIVE', 1400],
      ['COMMITTED', 1500],
    ]);
  });

  it('holds at most 10 s of unprocessed audio, dropping the oldest', async () => {
    const c = setup();
    let release!: () => void;
    c.recognizer.gate = new Promise((resolve) => (release = resolve));
    c.recognizer.script = ['a long speech'];
    for (let n = 0; n < 600; n += 1) c.conversation.pushFrame(n, frame(true, n));
    // Frames 0..2 confirmed the voice and wait in the recognizer; 597 more queue behind them, 500 fit in 10 s.
    expect(c.conversation.stats()).toMatchObject({ droppedFrames: 97, droppedMs: 1940 });
    release();
    await c.clock.advance(0);
    const written = c.recognizer.streams[0].written.map((pcm) => pcm[1]);
    expect(written.slice(0, 4)).toEqual([0, 1, 2, 100]);
    expect(written).toHaveLength(503);
    expect(written.at(-1)).toBe(599);
  });

  it('close() stops everything at once', async () => {
    const c = setup();
    c.generator.scripts.push([{ type: 'delta', text: 'Hm' }, { type: 'wait', ms: 5000 }, ...REPLY]);
    c.recognizer.script = ['hello', 'and'];
    await c.speak(400);
    await c.silence(450);
    await c.speak(60);
    expect(c.conversation.state).toBe('SPECULATIVE');
    await c.conversation.close();
    expect(c.generator.aborted).toEqual([c.generator.requests[0].generationId]);
    expect(c.recognizer.streams[1].cancelled).toBe(true);
    expect(c.clock.pending).toBe(1); // only the fake generator's own sleep
    const before = c.emitted.length;
    await c.speak(400);
    await c.clock.advance(10_000);
    expect(c.emitted.length).toBe(before);
    expect(c.generator.consumed.get(c.generator.requests[0].generationId)).toBe(2);
    // No AI turn will carry the cancelled generation: it is recorded on its own (SPEC §7.3).
    expect(c.unattached.map((g) => [g.id, g.outcome])).toEqual([[c.generator.requests[0].generationId, 'speculative_canceled']]);
  });

  it('close() while the AI talks keeps the part already heard', async () => {
    const c = setup();
    c.generator.scripts.push(longOpening);
    c.conversation.startAiTurn('opening');
    await c.clock.advance(500);
    await c.conversation.close();
    expect(c.ai[0]).toMatchObject({ interrupted: true, heardMs: 500, text: 'One two three.' });
  });

  it('reports a failed generation and records it', async () => {
    const c = setup();
    c.generator.failWith = new Error('provider down');
    c.conversation.startAiTurn('opening');
    await c.clock.advance(100);
    expect(c.providerErrors).toEqual([c.generator.failWith]);
    expect(c.states()).toEqual(['IDLE>COMMITTED', 'COMMITTED>LISTENING']);
    expect(c.ai).toEqual([]);
  });
});
