import { VoiceActivityDetector } from '@parley/audio';
import { PRACTICE_NAMESPACE, RT_SAMPLE_RATE, type ScenarioView } from '@parley/contracts';
import { TestPlatform, api, devToken, sleep } from '@parley/testing';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { scenarioWithEndCriteria } from '../services/gateway/test/practice-client';
import { speechPcm } from '../services/gateway/test/realtime-client';
import { CAPACITY_ENV, EXTERNAL_URL, LEVELS, ProcessSampler, levelFigure, recordExtra, recordLevel, recordProcesses, type LevelFigure } from './harness';
import { startProviders, type Providers } from './providers';
import {
  histogramDelta,
  histogramQuantile,
  histogramShareAbove,
  parseHistogram,
  parseMetric,
  summarize,
  table,
  type PromHistogram,
  type Summary,
} from './stats';

/**
 * Realtime voice (SPEC §7, issue 10 "Benchmark"), measured on the client the way a trainee's app sees it:
 *  1. Offline providers (pocketsphinx, the scenario script, Flite), default settings: speech end → first AI audio,
 *     speech end → final transcript, barge-in reaction, plus the server's own latency figures.
 *  2. Zero-latency providers (OpenAI wire format: chat, transcription, speech): how many concurrent realtime sessions
 *     one gateway and one session process sustain with frame handling p99 ≤ 50 ms (`parley_rt_frame_handling_seconds`:
 *     from the frame's arrival at the gateway to the end of voice detection and turn-taking in the session).
 * The load generator (this process) shares the box's cores with the services: see the load averages printed.
 */

const SESSIONS = Number(process.env.BENCH_RT_SESSIONS ?? 4);
const UTTERANCES = Number(process.env.BENCH_RT_UTTERANCES ?? 20);
const LEVEL_WINDOW_MS = Number(process.env.BENCH_RT_WINDOW_MS ?? 12_000);
/** Frame sizes tried at the highest level after the 20 ms ramp. */
const EXTRA_FRAME_MS = (process.env.BENCH_RT_FRAME_MS ?? '').split(',').filter(Boolean).map(Number);
/** Each capacity session says something short this often (random phase). */
const SPEECH_PERIOD_MS = Number(process.env.BENCH_RT_SPEECH_PERIOD_MS ?? 8_000);
/** Session service overrides for experiments, e.g. BENCH_RT_SESSION_ENV='RT_DECODERS=4'. */
const SESSION_ENV = Object.fromEntries(
  (process.env.BENCH_RT_SESSION_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const SAMPLES_PER_MS = RT_SAMPLE_RATE / 1000;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const round = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const summaryOrNull = (samples: number[], digits = 0): Summary | null => (samples.length ? summarize(samples, digits) : null);

/** Speech PCM with the VAD decision of each 10 ms (the server's detector: fvad mode 2, 10 ms frames, no overhang). */
interface Clip {
  pcm: Int16Array;
  voiced10: boolean[];
}

function clip(pcm: Int16Array): Clip {
  const vad = new VoiceActivityDetector({ mode: 2, frameMs: 10, overhang: false });
  const voiced10: boolean[] = [];
  const step = 10 * SAMPLES_PER_MS;
  for (let at = 0; at < pcm.length; at += step) {
    const piece = pcm.slice(at, at + step);
    const padded = piece.length === step ? piece : Int16Array.from({ length: step }, (_, i) => piece[i] ?? 0);
    voiced10.push(vad.process(padded).frames[0] ?? false);
  }
  vad.dispose();
  return { pcm, voiced10 };
}

/** `ms` of speech from the clip's first voiced 10 ms on. */
function excerpt(source: Clip, ms: number): Clip {
  const first = source.voiced10.indexOf(true);
  const from = first * 10 * SAMPLES_PER_MS;
  return clip(source.pcm.slice(from, from + ms * SAMPLES_PER_MS));
}

interface Said {
  /** performance.now() when the first / last frame holding voice was sent. */
  firstVoicedAt: number | null;
  lastVoicedAt: number | null;
  done: Promise<void>;
}

/**
 * One client's continuous audio: silence unless a clip is queued, sent as frames of `frameMs` at real-time pace (a
 * frame leaves at the start of the audio it carries, as a microphone client that sends each buffer once filled would
 * send it one frame later; the speech-end time is the send time of the last voiced frame). Ticked by a shared clock.
 */
class Streamer {
  private seq = 0;
  private nextDue = 0;
  private queue: Array<{ clip: Clip; offset: number; said: Said; resolve: () => void }> = [];
  frames = 0;
  lateness: number[] = [];
  onVoicedFrame: ((at: number) => void) | null = null;

  constructor(
    private readonly socket: Socket,
    readonly sessionId: string,
    public frameMs: number,
  ) {}

  start(now: number): void {
    this.nextDue = now;
  }

  say(speech: Clip): Said {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const said: Said = { firstVoicedAt: null, lastVoicedAt: null, done };
    this.queue.push({ clip: speech, offset: 0, said, resolve });
    return said;
  }

  tick(now: number): void {
    if (!this.nextDue || this.nextDue > now) return;
    // A frame is two WebSocket messages (the event, then its binary attachment): corked, a tick's frames leave in one
    // write instead of two per frame. The load generator shares the cores with the services it measures.
    const ws = (this.socket.io.engine as unknown as { transport?: { ws?: RawWebSocket } }).transport?.ws;
    if (!ws) throw new Error('the bench client is not on the WebSocket transport');
    ws._socket?.cork();
    try {
      this.send(now, ws);
    } finally {
      ws._socket?.uncork();
    }
  }

  /**
   * `socket.emit('audio_frame', { sessionId, seq, pcm })` as the same two WebSocket messages socket.io would send (a
   * binary event with one attachment on /practice, then the attachment), written here: socket.io-client looks for
   * binary in every packet it encodes, a sixth of the load generator's CPU at 200 sessions.
   */
  private emitFrame(ws: RawWebSocket, seq: number, pcm: Buffer): void {
    ws.send(`451-${PRACTICE_NAMESPACE},["audio_frame",{"sessionId":"${this.sessionId}","seq":${seq},"pcm":{"_placeholder":true,"num":0}}]`);
    ws.send(pcm);
  }

  private send(now: number, ws: RawWebSocket): void {
    let burst = 0;
    while (this.nextDue <= now && burst++ < 20) {
      const samples = this.frameMs * SAMPLES_PER_MS;
      let bytes = silence(samples);
      let voiced = false;
      const item = this.queue[0];
      if (item) {
        const { clip: c } = item;
        const pcm = new Int16Array(samples);
        pcm.set(c.pcm.subarray(item.offset, item.offset + samples));
        bytes = Buffer.from(pcm.buffer);
        const from = item.offset / (10 * SAMPLES_PER_MS);
        for (let i = from; i < from + this.frameMs / 10; i++) voiced ||= c.voiced10[i] ?? false;
        item.offset += samples;
      }
      this.emitFrame(ws, this.seq++, bytes);
      const sentAt = performance.now();
      this.frames += 1;
      if (this.lateness.length < 200_000) this.lateness.push(sentAt - this.nextDue);
      if (item) {
        if (voiced) {
          item.said.firstVoicedAt ??= sentAt;
          item.said.lastVoicedAt = sentAt;
          this.onVoicedFrame?.(sentAt);
        }
        if (item.offset >= item.clip.pcm.length) {
          this.queue.shift();
          item.resolve();
        }
      }
      this.nextDue += this.frameMs;
    }
    // Far behind (the load generator stalled): skip ahead rather than flood.
    if (this.nextDue < now - 200) this.nextDue = now;
  }

  stop(): void {
    this.nextDue = 0;
    for (const item of this.queue.splice(0)) item.resolve();
  }
}

/** The `ws` WebSocket under a socket.io-client connection. */
interface RawWebSocket {
  send(data: string | Buffer): void;
  _socket?: { cork(): void; uncork(): void };
}

/** Silent frames are the same bytes every time: one buffer per size, shared (socket.io only reads it). */
const silences = new Map<number, Buffer>();
const silence = (samples: number) => {
  let bytes = silences.get(samples);
  if (!bytes) silences.set(samples, (bytes = Buffer.alloc(samples * 2)));
  return bytes;
};

/** Ticks every streamer every few ms. */
class Clock {
  private readonly streamers = new Set<Streamer>();
  private timer: NodeJS.Timeout | null = null;

  add(streamer: Streamer): void {
    this.streamers.add(streamer);
    streamer.start(performance.now());
    this.timer ??= setInterval(() => {
      const now = performance.now();
      for (const s of this.streamers) s.tick(now);
    }, 5);
  }

  remove(streamer: Streamer): void {
    streamer.stop();
    this.streamers.delete(streamer);
  }

  close(): void {
    for (const s of this.streamers) s.stop();
    this.streamers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** A light realtime client: the events a benchmark needs, with their arrival times (no audio kept). */
class LightClient {
  readonly events: Array<{ name: string; payload: any; at: number }> = [];
  state = 'IDLE';
  stateSince = performance.now();
  errors: any[] = [];
  terminated: any = null;
  disconnected = false;

  private constructor(
    readonly socket: Socket,
    private readonly keep: ReadonlySet<string>,
  ) {}

  static async connect(gateway: string, token: string, keep: string[]): Promise<LightClient> {
    const socket = io(`${gateway}${PRACTICE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    const client = new LightClient(socket, new Set(keep));
    socket.onAny((name: string, payload: any) => {
      const at = performance.now();
      if (name === 'state_change') {
        client.state = payload.to;
        client.stateSince = at;
      } else if (name === 'error') client.errors.push(payload);
      else if (name === 'termination') client.terminated = payload;
      if (client.keep.has(name)) {
        // Audio is not kept: only its size.
        const kept = name === 'ai_audio_chunk' ? { turnId: payload.turnId, index: payload.index, final: payload.final, bytes: payload.pcm?.byteLength ?? 0 } : payload;
        client.events.push({ name, payload: kept, at });
      }
    });
    socket.on('disconnect', () => (client.disconnected = true));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  ask(event: string, payload: unknown, timeoutMs = 20_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event}: no ack within ${timeoutMs} ms`)), timeoutMs);
      this.socket.emit(event, payload, (answer: unknown) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  async next(name: string, match: (payload: any) => boolean, timeoutMs: number, from = 0): Promise<{ payload: any; at: number } | null> {
    const deadline = performance.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.events.length; i++) {
        const e = this.events[i]!;
        if (e.name === name && match(e.payload)) return e;
      }
      if (performance.now() > deadline || this.terminated || this.disconnected) return null;
      await sleep(5);
    }
  }

  async until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
      if (performance.now() > deadline || this.terminated || this.disconnected) return false;
      await sleep(5);
    }
    return true;
  }

  close(): void {
    this.socket.close();
  }
}

async function realtimeSession(gateway: string, token: string, scenarioId: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const created = await api(gateway, 'POST', '/api/sessions', {
      token,
      body: { scenarioId, mode: 'realtime', clientSessionStartedAt: new Date().toISOString() },
    });
    if (created.status === 201) return created.body.session.id;
    if (attempt >= 3) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
    await sleep(500);
  }
}

async function benchScenario(gateway: string, token: string): Promise<string> {
  const author = await devToken(gateway, 'bench-rt-author', ['author']);
  const base = (await api<ScenarioView>(gateway, 'GET', '/api/scenarios/support-double-charge', { token })).body;
  return scenarioWithEndCriteria(gateway, author, base, { maxTurns: 200, maxDurationSec: 3600, idleTimeoutSec: 600 });
}

const metricsText = async (url: string) => (await fetch(`${url}/metrics`)).text();

// ---------------------------------------------------------------------------------------------------------------

// Reads the session process's own metrics and starts it with set providers: a local platform only (not BENCH_URL).
(EXTERNAL_URL ? describe.skip : describe)('realtime voice benchmark', () => {
  const summaries: Record<string, Summary | null> = {};
  const lines: Array<Array<string | number | null>> = [['figure', 'n', 'p50', 'p95', 'p99', 'max', 'target', 'met']];
  /** The report's figure for each latency of the offline run (the rest go to its extras). */
  const figureIds: Record<string, { id: string; title: string }> = {
    rt_speech_end_to_first_audio_ms: { id: 'rt_first_audio_offline', title: 'realtime speech end → first AI audio chunk (offline providers)' },
    rt_barge_in_reaction_ms: { id: 'rt_barge_in_offline', title: 'realtime barge-in reaction: first voiced frame → interrupted (offline)' },
    rt_speech_end_to_final_transcript_ms: { id: 'rt_final_transcript_offline', title: 'realtime speech end → final transcript (offline)' },
  };
  const line = (name: string, s: Summary | null, target: string, met: boolean | null) => {
    summaries[name] = s;
    const figure = figureIds[name];
    if (figure && s) {
      const level: LevelFigure = { sessions: SESSIONS, n: s.count, errors: 0, errorRate: 0, p50: s.p50, p90: null, p95: s.p95, p99: s.p99, max: s.max };
      recordLevel(figure.id, { title: figure.title, providers: 'offline', unit: 'ms', note: `${SESSIONS} sessions, not ramped` }, level);
    } else if (s) recordExtra(name, s);
    lines.push([name, s?.count ?? 0, s?.p50 ?? null, s?.p95 ?? null, s?.p99 ?? null, s?.max ?? null, target, met === null ? '-' : met ? 'yes' : 'NO']);
  };

  afterAll(() => {
    process.stdout.write('\nRealtime benchmark (client-measured, ms)\n');
    table(lines);
  });

  describe('1. latency with offline providers', () => {
    let platform: TestPlatform;

    beforeAll(async () => {
      platform = await TestPlatform.start({
        services: ['gateway', 'session', 'turn-pipeline'],
        env: CAPACITY_ENV,
        serviceEnv: { session: SESSION_ENV },
      });
    }, 120_000);

    afterAll(() => platform?.stop());

    it(`${SESSIONS} sessions × ${UTTERANCES} utterances, with barge-ins`, async () => {
      const gateway = platform.url('gateway');
      const token = await devToken(gateway, 'bench-rt');
      const scenarioId = await benchScenario(gateway, token);
      // Words no script route listens for: every reply is a fallback line and the conversation never ends.
      const utterance = clip(await speechPcm('The weather was lovely this morning near the river'));
      const fragment = excerpt(utterance, 400);
      const load = { before: loadavg() } as Record<string, string>;
      const clock = new Clock();
      const firstAudio: number[] = [];
      const finalTranscript: number[] = [];
      const vadEnd: number[] = [];
      const finalAfterVadEnd: number[] = [];
      const bargeIn: number[] = [];
      const server = { speechEndToFirstAudioMs: [] as number[], transcriptMs: [] as number[], llmFirstTokenMs: [] as number[], ttsFirstByteMs: [] as number[] };
      const stats: unknown[] = [];
      const perTurn: Array<{ transcriptMs: number; speechEndToFirstAudioMs: number; llmFirstTokenMs: number | null; ttsFirstByteMs: number | null }> = [];
      const sessionUrl = platform.url('session');
      const sessionCpu0 = parseMetric(await metricsText(sessionUrl), 'process_cpu_seconds_total');
      let aiTurns = 0;
      let blips = 0;
      let misses = 0;
      const started = performance.now();

      await Promise.all(
        Array.from({ length: SESSIONS }, async (_, n) => {
          await sleep(n * 700); // staggered, like trainees
          const sessionId = await realtimeSession(gateway, token, scenarioId);
          const client = await LightClient.connect(gateway, token, [
            'state_change',
            'speech',
            'rt_transcript',
            'ai_audio_chunk',
            'interrupted',
            'latency',
            'turn_stored',
          ]);
          const streamer = new Streamer(client.socket, sessionId, 20);
          try {
            const joined = await client.ask('join', { sessionId });
            if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
            clock.add(streamer);
            const ack = await client.ask('rt_start', { sessionId });
            if (!ack.ok) throw new Error(`rt_start: ${JSON.stringify(ack)}`);
            // The opening plays to its end (no playback report: the server times it).
            if (!(await client.next('state_change', (e) => e.from === 'SPEAKING' && e.to === 'IDLE', 60_000))) throw new Error('no opening');

            for (let i = 0; i < UTTERANCES; i++) {
              // Every fourth utterance waits for the AI to finish; the others talk over it after 300 ms of its audio.
              const clean = i % 4 === 0;
              const speech = i % 2 === 1 ? fragment : utterance;
              if (clean) await client.until(() => client.state === 'IDLE', 30_000);
              else await client.until(() => client.state === 'IDLE' || (client.state === 'SPEAKING' && performance.now() - client.stateSince >= 300), 30_000);
              if (client.terminated) throw new Error(`terminated: ${JSON.stringify(client.terminated)}`);
              const mark = client.events.length;
              let stateAtFirstVoice: string | null = null;
              streamer.onVoicedFrame = () => {
                stateAtFirstVoice ??= client.state;
              };
              const said = streamer.say(speech);
              await said.done;
              streamer.onVoicedFrame = null;
              if (stateAtFirstVoice === 'SPEAKING') {
                const cut = await client.next('interrupted', () => true, 5_000, mark);
                if (cut) bargeIn.push(cut.at - said.firstVoicedAt!);
                else misses += 1;
              }
              // Silence until the AI answers (first chunk of a new turn) or the speech turns out to be a blip.
              const end = said.lastVoicedAt!;
              const answered = await Promise.race([
                client.next('ai_audio_chunk', (c) => c.index === 0, 20_000, mark).then((e) => (e ? { kind: 'audio' as const, e } : null)),
                client.next('state_change', (e) => e.to === 'IDLE' && e.reason === 'blip', 20_000, mark).then((e) => (e ? { kind: 'blip' as const, e } : null)),
              ]);
              if (!answered) {
                misses += 1;
                continue;
              }
              if (answered.kind === 'blip') {
                blips += 1;
                continue;
              }
              aiTurns += 1;
              firstAudio.push(answered.e.at - end);
              const transcript = client.events.slice(mark).find((e) => e.name === 'rt_transcript' && e.payload.final);
              if (transcript) finalTranscript.push(transcript.at - end);
              const ended = client.events.slice(mark).find((e) => e.name === 'speech' && e.payload.speaking === false);
              if (ended) vadEnd.push(ended.at - end);
              if (ended && transcript) finalAfterVadEnd.push(transcript.at - ended.at);
            }
            // The last AI turn ends (its latency event comes when it is stored).
            await client.until(() => client.state === 'IDLE', 30_000);
            await sleep(500);
            for (const e of client.events) {
              if (e.name !== 'latency') continue;
              for (const key of Object.keys(server) as (keyof typeof server)[]) {
                const v = e.payload[key];
                if (typeof v === 'number') server[key].push(v);
              }
              const { transcriptMs, speechEndToFirstAudioMs, llmFirstTokenMs, ttsFirstByteMs } = e.payload;
              if (typeof transcriptMs === 'number' && typeof speechEndToFirstAudioMs === 'number') {
                perTurn.push({ transcriptMs, speechEndToFirstAudioMs, llmFirstTokenMs, ttsFirstByteMs });
              }
            }
            const latencyStats = await api(gateway, 'GET', `/api/sessions/${sessionId}/latency-stats`, { token });
            stats.push({ sessionId, status: latencyStats.status, ...latencyStats.body });
          } finally {
            clock.remove(streamer);
            client.close();
          }
        }),
      );
      clock.close();
      load.after = loadavg();
      const elapsedSec = Math.round((performance.now() - started) / 1000);
      const sessionMetrics = await metricsText(sessionUrl);
      const sessionCpu1 = parseMetric(sessionMetrics, 'process_cpu_seconds_total');
      const frames = parseHistogram(sessionMetrics, 'parley_rt_frame_handling_seconds');
      // Where the time goes: speculation starts only once the final transcript is in (conversation.ts onDebounce
      // awaits the finals), so a transcript later than the debounce pushes the first audio back one for one.
      const late = perTurn.filter((t) => t.transcriptMs > 400);
      const breakdown = {
        turns: perTurn.length,
        transcriptLaterThanDebounce: late.length,
        firstAudioWhenTranscriptOnTime: summaryOrNull(perTurn.filter((t) => t.transcriptMs <= 400).map((t) => t.speechEndToFirstAudioMs)),
        firstAudioWhenTranscriptLate: summaryOrNull(late.map((t) => t.speechEndToFirstAudioMs)),
        // First audio after the later of the two gates (transcript in, commit at 600 ms): the LLM + synthesis + hops.
        firstAudioAfterGates: summaryOrNull(perTurn.map((t) => t.speechEndToFirstAudioMs - Math.max(600, t.transcriptMs))),
        sessionCpuPct: sessionCpu0 === null || sessionCpu1 === null ? null : round(((sessionCpu1 - sessionCpu0) / elapsedSec) * 100, 0),
        frameHandlingP99Ms: frames ? round((histogramQuantile(frames, 0.99)?.value ?? NaN) * 1000, 2) : null,
        sessionEnv: SESSION_ENV,
      };
      process.stdout.write(`server breakdown: ${JSON.stringify(breakdown)}\n`);

      const fa = summaryOrNull(firstAudio);
      const ft = summaryOrNull(finalTranscript);
      const bi = summaryOrNull(bargeIn);
      line('rt_speech_end_to_first_audio_ms', fa, 'p50 <= 800', fa ? fa.p50 <= 800 : null);
      line('rt_speech_end_to_final_transcript_ms', ft, 'p50,p99 <= 150', ft ? ft.p99 <= 150 : null);
      line('rt_speech_end_to_vad_end_event_ms', summaryOrNull(vadEnd), 'hangover + hop', null);
      line('rt_vad_end_event_to_final_transcript_ms', summaryOrNull(finalAfterVadEnd), '-', null);
      line('rt_barge_in_reaction_ms', bi, 'p99 <= 150', bi ? bi.p99 <= 150 : null);
      for (const [key, samples] of Object.entries(server)) line(`rt_server_${key}`, summaryOrNull(samples), '(server)', null);
      recordExtra('rt_latency_run', {
        sessions: SESSIONS,
        utterances: SESSIONS * UTTERANCES,
        aiTurnsMeasured: aiTurns,
        bargeIns: bargeIn.length,
        blips,
        misses,
        elapsedSec,
        loadavg: load,
        settings: 'defaults (debounce 400 ms, commit 200 ms, adaptive, bargeIn)',
        breakdown,
        serverLatencyStats: stats,
        measuredAt: new Date().toISOString(),
      });
      process.stdout.write(`latency run: ${aiTurns} AI turns, ${bargeIn.length} barge-ins, ${blips} blips, ${misses} misses in ${elapsedSec}s; loadavg ${JSON.stringify(load)}\n`);
      // Every utterance but the blips gets an answer; every other one talks over the AI.
      expect(aiTurns).toBeGreaterThanOrEqual(Math.floor(SESSIONS * UTTERANCES * 0.6));
      expect(bargeIn.length).toBeGreaterThanOrEqual(Math.floor(SESSIONS * UTTERANCES * 0.2));
    }, 600_000);
  });

  describe('2. concurrent sessions with zero-latency providers', () => {
    let platform: TestPlatform;
    let providers: Providers;

    beforeAll(async () => {
      // Every provider at zero latency (SPEC's capacity figure is Parley's own cost): chat, transcription of each
      // utterance when the VAD closes it, speech.
      providers = await startProviders('zero');
      platform = await TestPlatform.start({
        services: ['gateway', 'session', 'turn-pipeline'],
        env: { ...CAPACITY_ENV, ...providers.env },
        serviceEnv: { session: SESSION_ENV },
      });
    }, 120_000);

    afterAll(async () => {
      await platform?.stop();
      await providers?.close();
    });

    it(`ramps ${LEVELS.join(', ')} sessions at 20 ms frames, then ${EXTRA_FRAME_MS.join(', ')} ms frames`, async () => {
      const gateway = platform.url('gateway');
      const session = platform.url('session');
      const token = await devToken(gateway, 'bench-rt-load');
      const scenarioId = await benchScenario(gateway, token);
      const phrase = excerpt(clip(await speechPcm('Yes, that sounds right to me')), 600);
      const clock = new Clock();
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();

      interface Live {
        client: LightClient;
        streamer: Streamer;
        sessionId: string;
        spoken: Array<{ at: number; said: Said }>;
        timer: NodeJS.Timeout | null;
      }
      const live: Live[] = [];
      let setupFailures = 0;

      interface Joined {
        client: LightClient;
        sessionId: string;
      }
      // Sessions are created and joined before any audio flows (the admission and join path is not what is measured);
      // each level then starts the conversations it adds.
      const joined: Joined[] = [];
      const join = async (): Promise<void> => {
        try {
          const sessionId = await realtimeSession(gateway, token, scenarioId);
          const client = await LightClient.connect(gateway, token, ['state_change', 'speech']);
          const answer = await client.ask('join', { sessionId });
          if (!answer.ok) throw new Error(`join: ${JSON.stringify(answer)}`);
          joined.push({ client, sessionId });
        } catch (error) {
          setupFailures += 1;
          process.stdout.write(`session setup failed: ${(error as Error).message}\n`);
        }
      };
      let speaking = true;
      const open = async ({ client, sessionId }: Joined): Promise<void> => {
        try {
          const streamer = new Streamer(client.socket, sessionId, 20);
          clock.add(streamer);
          const ack = await client.ask('rt_start', { sessionId });
          if (!ack.ok) throw new Error(`rt_start: ${JSON.stringify(ack)}`);
          const entry: Live = { client, streamer, sessionId, spoken: [], timer: null };
          const speak = () => {
            if (speaking) entry.spoken.push({ at: performance.now(), said: streamer.say(phrase) });
            entry.timer = setTimeout(speak, SPEECH_PERIOD_MS * (0.8 + Math.random() * 0.4));
          };
          entry.timer = setTimeout(speak, 1_000 + Math.random() * SPEECH_PERIOD_MS);
          live.push(entry);
        } catch (error) {
          setupFailures += 1;
          process.stdout.write(`conversation start failed: ${(error as Error).message}\n`);
        }
      };
      const creating = performance.now();
      const most = Math.max(...LEVELS);
      while (joined.length + setupFailures < most) {
        await Promise.all(Array.from({ length: Math.min(25, most - joined.length - setupFailures) }, () => join()));
      }
      process.stdout.write(`${joined.length} sessions created and joined in ${Math.round(performance.now() - creating)} ms\n`);
      const pipeline = platform.url('turn-pipeline');

      const results: Array<Record<string, unknown>> = [];
      const measure = async (label: string, frameMs: number) => {
        for (const s of live) s.streamer.frameMs = frameMs;
        await sleep(2_000); // settle after the change
        const sessionBefore = await metricsText(session);
        await metricsText(gateway); // resets the gateway's event-loop percentiles
        const before = parseHistogram(sessionBefore, 'parley_rt_frame_handling_seconds');
        const cpuBefore = { session: parseMetric(sessionBefore, 'process_cpu_seconds_total'), gateway: null as number | null };
        cpuBefore.gateway = parseMetric(await metricsText(gateway), 'process_cpu_seconds_total');
        const framesBefore = live.reduce((n, s) => n + s.streamer.frames, 0);
        const pipelineCpuBefore = parseMetric(await metricsText(pipeline), 'process_cpu_seconds_total');
        const clientCpuBefore = process.cpuUsage();
        const errorsBefore = live.reduce((n, s) => n + s.client.errors.length, 0);
        const endedBefore = live.filter((s) => s.client.terminated || s.client.disconnected).length;
        for (const s of live) s.streamer.lateness = [];
        lag.reset();
        const sampler = new ProcessSampler().start();
        const windowStart = performance.now();
        const marks = live.map((s) => ({ s, events: s.client.events.length, spoken: s.spoken.length }));
        await sleep(LEVEL_WINDOW_MS);
        const windowEnd = performance.now();
        const usage = sampler.stop();
        const framesSent = live.reduce((n, s) => n + s.streamer.frames, 0) - framesBefore;
        const clientCpu = process.cpuUsage(clientCpuBefore);
        const sessionAfter = await metricsText(session);
        const gatewayAfter = await metricsText(gateway);
        const pipelineAfter = await metricsText(pipeline);
        const load = loadavg();
        await sleep(2_500); // late events of speech said in the window
        const after = parseHistogram(sessionAfter, 'parley_rt_frame_handling_seconds');
        const handled: PromHistogram | null = after ? histogramDelta(after, before) : null;
        const p99 = handled ? histogramQuantile(handled, 0.99) : null;
        const p50 = handled ? histogramQuantile(handled, 0.5) : null;
        const over50 = handled ? histogramShareAbove(handled, 0.05) : null;

        // Proxy for end-to-end: first voiced frame sent → `speech {speaking: true}` back (floor: 60 ms onset = 3 frames
        // of 20 ms, the last sent 40 ms after the first), last voiced frame → `speech {speaking: false}` (floor 200 ms
        // hangover), and IDLE→LISTENING state_change.
        const startLag: number[] = [];
        const endLag: number[] = [];
        let expected = 0;
        let missing = 0;
        for (const { s, events, spoken } of marks) {
          const said = s.spoken.slice(spoken).filter((x) => x.said.firstVoicedAt !== null && x.said.firstVoicedAt < windowEnd - 500);
          const evs = s.client.events.slice(events);
          for (const { said: x } of said) {
            if (x.firstVoicedAt === null || x.lastVoicedAt === null) continue;
            expected += 1;
            const start = evs.find((e) => e.name === 'speech' && e.payload.speaking && e.at >= x.firstVoicedAt!);
            const stop = evs.find((e) => e.name === 'speech' && !e.payload.speaking && e.at >= x.lastVoicedAt!);
            if (!start || start.at - x.firstVoicedAt > 3_000) missing += 1;
            else startLag.push(start.at - x.firstVoicedAt);
            if (stop && stop.at - x.lastVoicedAt < 3_000) endLag.push(stop.at - x.lastVoicedAt);
          }
        }
        const errorEvents = live.reduce((n, s) => n + s.client.errors.length, 0) - errorsBefore;
        const ended = live.filter((s) => s.client.terminated || s.client.disconnected).length - endedBefore;
        const errorRate = (missing + errorEvents + ended) / Math.max(1, expected + live.length);
        const lateness = summaryOrNull(live.flatMap((s) => s.streamer.lateness), 1);
        const windowSec = (windowEnd - windowStart) / 1000;
        const cpu = (text: string, before: number | null) => {
          const v = parseMetric(text, 'process_cpu_seconds_total');
          return v === null || before === null ? null : round(((v - before) / windowSec) * 100, 0);
        };
        const result = {
          label,
          sessions: live.length,
          frameMs,
          windowSec: round(windowSec),
          framesExpected: Math.round((live.length * (windowEnd - windowStart)) / frameMs),
          framesSent,
          framesHandled: handled?.count ?? null,
          frameHandlingP50Ms: round(p50 ? p50.value * 1000 : null, 2),
          frameHandlingP99Ms: round(p99 ? p99.value * 1000 : null, 2),
          frameHandlingP99BucketMs: p99 ? p99.bucketBound * 1000 : null,
          frameHandlingMeanMs: handled && handled.count ? round((handled.sum / handled.count) * 1000, 3) : null,
          framesOver50msShare: over50,
          sessionEventLoopLagP99Ms: round((parseMetric(sessionAfter, 'nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000),
          sessionEventLoopLagMaxMs: round((parseMetric(sessionAfter, 'nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000),
          gatewayEventLoopLagP99Ms: round((parseMetric(gatewayAfter, 'nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000),
          sessionCpuPct: cpu(sessionAfter, cpuBefore.session),
          gatewayCpuPct: cpu(gatewayAfter, cpuBefore.gateway),
          turnPipelineCpuPct: cpu(pipelineAfter, pipelineCpuBefore),
          loadGeneratorCpuPct: round(((clientCpu.user + clientCpu.system) / 1e6 / windowSec) * 100, 0),
          speech: speaking,
          loadGeneratorLagP99Ms: round(lag.percentile(99) / 1e6),
          frameSendLateness: lateness,
          speechStartEventLag: summaryOrNull(startLag),
          speechEndEventLag: summaryOrNull(endLag),
          utterances: expected,
          missingSpeechEvents: missing,
          errorEvents,
          sessionsEnded: ended,
          errorRate: round(errorRate, 4),
          setupFailures,
          loadavg: load,
          sustained: p99 !== null && p99.value <= 0.05 && errorRate <= 0.01,
        };
        results.push(result);
        process.stdout.write(`${JSON.stringify(result)}\n`);
        recordExtra('rt_capacity', { levels: results, measuredAt: new Date().toISOString() });
        if (frameMs === 20 && speaking) {
          // The ramp's figures: frame handling (server histogram; its errors are the level's failed operations) and the
          // speech-start push (first voiced frame sent → `speech {speaking: true}` received).
          const failed = missing + errorEvents + ended;
          const q = (x: number) => round(handled ? (histogramQuantile(handled, x)?.value ?? NaN) * 1000 : null, 2);
          recordLevel(
            'rt_frame_handling',
            { title: 'realtime frame handling (session, parley_rt_frame_handling_seconds)', providers: 'zero', unit: 'ms', baseline: 'raw_socketio_echo_frame' },
            { sessions: live.length, n: handled?.count ?? 0, errors: failed, errorRate: round(errorRate, 4) ?? 0, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), max: null, ...(errorRate > 0.01 ? { stopped: true } : {}) },
          );
          recordLevel(
            'rt_speech_start_event',
            { title: 'realtime first voiced frame → speech-start push (60 ms onset floor)', providers: 'zero', unit: 'ms', baseline: 'raw_socketio_echo_frame' },
            levelFigure(live.length, startLag, missing),
          );
          recordProcesses('realtime', live.length, usage);
        }
        return result;
      };

      let last = 0;
      for (const level of LEVELS) {
        const opening = performance.now();
        const adding = joined.slice(live.length, level);
        for (let i = 0; i < adding.length; i += 25) await Promise.all(adding.slice(i, i + 25).map((j) => open(j)));
        process.stdout.write(`${live.length} sessions live (${Math.round(performance.now() - opening)} ms to start); loadavg ${loadavg()}\n`);
        await sleep(3_000); // openings spoken
        const result = await measure(`${level} sessions, 20 ms`, 20);
        last = level;
        if ((result.errorRate as number) > 0.01) break;
      }
      // The same sessions with nobody speaking: no transcription, replies, synthesis, relayed audio or stored turns.
      speaking = false;
      await sleep(4_000); // the last replies end
      await measure(`${last} sessions, 20 ms, silence only`, 20);
      speaking = true;
      for (const frameMs of EXTRA_FRAME_MS) await measure(`${last} sessions, ${frameMs} ms`, frameMs);

      lag.disable();
      for (const s of live) {
        if (s.timer) clearTimeout(s.timer);
      }
      clock.close();
      for (const s of live) s.client.close();

      const sustained20 = results.filter((r) => r.frameMs === 20 && r.speech && r.sustained).map((r) => r.sessions as number);
      const best20 = sustained20.length ? Math.max(...sustained20) : 0;
      recordExtra('rt_capacity', { levels: results, sustainedSessionsAt20ms: best20, target: 200, measuredAt: new Date().toISOString() });
      process.stdout.write('\nRealtime capacity (frame handling from parley_rt_frame_handling_seconds, session process)\n');
      table([
        ['level', 'expected', 'sent', 'handled', 'p50 ms', 'p99 ms', '>50ms', 'EL p99 sess', 'EL p99 gw', 'cpu sess/gw/pipe/gen %', 'speech lag p50/p99', 'err rate', 'gen lag p99', 'load'],
        ...results.map((r: any) => [
          r.label,
          r.framesExpected,
          r.framesSent,
          r.framesHandled,
          r.frameHandlingP50Ms,
          r.frameHandlingP99Ms,
          r.framesOver50msShare === null ? null : `${round(r.framesOver50msShare * 100, 2)}%`,
          r.sessionEventLoopLagP99Ms,
          r.gatewayEventLoopLagP99Ms,
          `${r.sessionCpuPct}/${r.gatewayCpuPct}/${r.turnPipelineCpuPct}/${r.loadGeneratorCpuPct}`,
          r.speechStartEventLag ? `${r.speechStartEventLag.p50}/${r.speechStartEventLag.p99}` : null,
          r.errorRate,
          r.loadGeneratorLagP99Ms,
          r.loadavg,
        ]),
      ]);
      lines.push(['rt_capacity_sessions_20ms_frames', results.length, best20, null, null, null, '>= 200', best20 >= 200 ? 'yes' : 'NO']);
      expect(results.length).toBeGreaterThan(0);
    }, 900_000);
  });
});
