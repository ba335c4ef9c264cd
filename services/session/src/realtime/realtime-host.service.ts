import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { VoiceActivityDetector } from '@parley/audio';
import { Bus } from '@parley/bus';
import {
  AppError,
  DEFAULT_REALTIME_SETTINGS,
  Jobs,
  Queues,
  RealtimeSettingsSchema,
  RealtimeSubjects,
  decodeRtFrame,
  Signals,
  jobId,
  type Caller,
  type RealtimeEngine,
  type RealtimeSettings,
  type RealtimeSettingsPatch,
  type RtControl,
  type RtControlReply,
  type RtRelayedEvent,
  type ScenarioContent,
} from '@parley/contracts';
import { PRISMA, type PracticeSession, type PrismaClient } from '@parley/db';
import { Metrics } from '@parley/observability';
import { DecoderPool, createProviders, type Transcriber } from '@parley/providers';
// The persona prompt the cascade's roleplayer uses; the package index does not export it.
import { roleplayerSystemPrompt } from '@parley/providers/dist/prompts';
import { JobQueues } from '@parley/queue';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Histogram } from 'prom-client';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { isOpen } from '../sessions/session-state-machine';
import { Conversation } from './conversation';
import type { ConversationPorts, RecognizerPort, StorePort } from './ports';
import { PipelineGenerator } from './realtime-generator';
import { pooledRecognizer, utteranceRecognizer } from './realtime-recognizer';
import { RealtimeStore } from './realtime-store';
import { EngineSwitch } from './s2s/engine-switch';
import { S2sUnavailable } from './s2s/realtime-socket';
import { S2sGenerator } from './s2s/s2s-generator';
import { SessionActivity } from './session-activity';

/** The owner renews its lease this often; a lease not renewed for LEASE_MS is free for another replica. */
const LEASE_RENEW_MS = 1_000;
const LEASE_MS = 3_500;
/** Leases renewed per Redis call: one round trip a second for the usual number of conversations on a replica. */
const LEASES_PER_RENEWAL = 500;
/** Extends each lease (KEYS) this replica (ARGV[1]) still holds by ARGV[2] ms; returns the 1-based indexes of those lost. */
const RENEW_LEASES = `
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('pexpire', key, ARGV[2]) else lost[#lost + 1] = i end
end
return lost`;
/** How often every replica looks for live conversations whose owner is gone. */
const TAKEOVER_SCAN_MS = 1_000;
/** How long `rt_start` waits for a replica that holds the lease to answer (under the gateway's 5 s command timeout). */
const OWNER_WAIT_MS = 4_000;
const OWNER_RETRY_MS = 100;

interface Live {
  session: PracticeSession;
  conversation: Conversation;
  engine: RealtimeEngine;
  release: Array<() => void>;
  voiceActivity: VoiceActivityDetector;
  generator: PipelineGenerator;
  /** Speech-to-speech sessions: the provider's socket until it is lost, then the cascade. */
  engineSwitch?: EngineSwitch | null;
}

/**
 * The live conversations this replica owns (SPEC §7.4). A conversation runs where its lease is: frames and control
 * arrive on core NATS subjects of the session (no database or queue write per frame), events go back to the
 * gateways on another. When the owner dies its lease lapses and another replica takes the session over within a few
 * seconds, continuing from the stored turns. A trainee who leaves stops all work at once; the session ends unless
 * they rejoin within the grace period (a durable timer).
 */
@Injectable()
export class RealtimeHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeHost.name);
  private readonly replicaId = randomUUID();
  private readonly live = new Map<string, Live>();
  private readonly opening = new Map<string, Promise<Live>>();
  private decoders: DecoderPool | null = null;
  private transcriber: Transcriber | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private scanTimer: NodeJS.Timeout | null = null;
  private readonly frameSeconds: Histogram;
  private readonly latencySeconds: Histogram;
  private readonly bargeInSeconds: Histogram;
  /** When the trainee's latest voice started, per session: barge-in reaction is measured from it. */
  private readonly voiceStartedAt = new Map<string, number>();
  /** Objective outcomes the pipeline reported with each completed generation, by generation id. */
  private readonly outcomes = new Map<string, 'objective_met' | 'objective_failed' | 'continue'>();

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly bus: Bus,
    private readonly queues: JobQueues,
    private readonly lifecycle: SessionLifecycle,
    private readonly store: RealtimeStore,
    private readonly activity: SessionActivity,
    metrics: Metrics,
  ) {
    this.latencySeconds = metrics.histogram('rt_latency_seconds', 'Realtime: latency of each segment of an AI turn (SPEC §7.3)', ['engine', 'segment'], [
      0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5,
    ]);
    this.bargeInSeconds = metrics.histogram('rt_barge_in_reaction_seconds', 'Realtime: first voiced frame of a barge-in → interrupted sent', ['engine'], [
      0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1,
    ]);
    this.frameSeconds = metrics.histogram('rt_frame_handling_seconds', 'Realtime: audio frame received by the gateway → through voice detection and turn-taking here', ['engine'], [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    ]);
  }

  private key(kind: 'lease' | 'gone', sessionId: string): string {
    return `${this.config.PARLEY_NAMESPACE}:rt:${kind}:${sessionId}`;
  }

  private get liveSetKey(): string {
    return `${this.config.PARLEY_NAMESPACE}:rt:live`;
  }

  onApplicationBootstrap(): void {
    this.renewTimer = setInterval(() => void this.renewLeases(), LEASE_RENEW_MS);
    this.scanTimer = setInterval(() => void this.takeOverOrphans(), TAKEOVER_SCAN_MS);
    this.renewTimer.unref();
    this.scanTimer.unref();
  }

  /** Graceful stop: every conversation is closed and its lease freed, so another replica takes it over at once. */
  async onApplicationShutdown(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.scanTimer) clearInterval(this.scanTimer);
    await Promise.all([...this.live.keys()].map((id) => this.close(id, { releaseLease: true })));
    await this.decoders?.close();
  }

  /** `rt_start`: starts the conversation (the AI opens), or reports the running one wherever it runs. */
  async start(caller: Caller, sessionId: string, engine: RealtimeEngine | undefined, patch: RealtimeSettingsPatch | undefined): Promise<RtControlReply> {
    const session = await this.lifecycle.owned(caller, sessionId);
    if (session.mode !== 'realtime') throw new AppError('conflict', `This is a ${session.mode} practice; live voice needs a realtime session`);
    if (!isOpen(session.status)) throw new AppError('session_ended', 'This practice has ended; start a new one to continue');
    await this.queues.redis.del(this.key('gone', sessionId));
    const running = this.live.get(sessionId);
    const command: RtControl = patch ? { type: 'update_settings', settings: patch } : { type: 'status' };
    if (running) return this.control(running, command);
    if (!(await this.acquire(sessionId))) return this.askOwner(sessionId, command);
    const settings = RealtimeSettingsSchema.parse({ ...(session.realtimeSettings as object | null), ...patch });
    const live = await this.open(session, settings, engine === 'speech_to_speech' ? 'speech_to_speech' : 'cascade');
    return this.status(live);
  }

  /**
   * The conversation runs on another replica, or is being opened there: a replica may have taken it over while the
   * trainee was away, just before this `rt_start`. Until that replica answers on the conversation's control subject
   * (no responder yet), the command is asked again.
   */
  private async askOwner(sessionId: string, command: RtControl): Promise<RtControlReply> {
    const deadline = Date.now() + OWNER_WAIT_MS;
    for (;;) {
      try {
        return await this.bus.ask<RtControlReply>(RealtimeSubjects.control(sessionId), command, Math.max(500, deadline - Date.now()));
      } catch (error) {
        const noOwnerYet = error instanceof AppError && error.code === 'unavailable';
        if (!noOwnerYet || Date.now() + OWNER_RETRY_MS > deadline) throw error;
        await sleep(OWNER_RETRY_MS);
      }
    }
  }

  /** Presence from the gateways: the trainee's last socket left (the grace timer starts) or one came back. */
  async presence(caller: Caller, sessionId: string, present: boolean): Promise<null> {
    const session = await this.lifecycle.owned(caller, sessionId);
    if (session.mode !== 'realtime' || !isOpen(session.status)) return null;
    if (present) {
      await this.queues.redis.del(this.key('gone', sessionId));
      return null;
    }
    const goneAt = Date.now();
    await this.queues.redis.set(this.key('gone', sessionId), String(goneAt), 'PX', this.config.RT_REJOIN_GRACE_MS * 4);
    await this.queues.add(Queues.SessionTimers, Jobs.ClientGone, { sessionId, goneAt }, {
      jobId: jobId('gone', sessionId, goneAt),
      delayMs: this.config.RT_REJOIN_GRACE_MS,
      attempts: 5,
      backoffMs: 200,
    });
    // All work stops now, wherever the conversation runs.
    if (this.live.has(sessionId)) await this.close(sessionId, { releaseLease: true });
    else await this.bus.ask(RealtimeSubjects.control(sessionId), { type: 'gone' }, 1_000).catch(() => undefined);
    return null;
  }

  /** The grace timer: ends the session unless the trainee came back since they left at `goneAt`. */
  async clientGone(sessionId: string, goneAt: number): Promise<void> {
    const marker = await this.queues.redis.get(this.key('gone', sessionId));
    if (marker !== String(goneAt)) return;
    const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
    if (session && isOpen(session.status)) await this.lifecycle.end(sessionId, 'client_disconnected');
  }

  private async open(session: PracticeSession, settings: RealtimeSettings, requested: RealtimeEngine): Promise<Live> {
    const pending = this.opening.get(session.id);
    if (pending) return pending;
    const opening = this.create(session, settings, requested).finally(() => this.opening.delete(session.id));
    this.opening.set(session.id, opening);
    return opening;
  }

  private async create(session: PracticeSession, settings: RealtimeSettings, requested: RealtimeEngine): Promise<Live> {
    const turns = await this.prisma.turn.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
    const scenario = await this.lifecycle.scenarioVersion(session);
    const sessionId = session.id;
    const generator = new PipelineGenerator(this.bus, session.id, () => scenario.persona.voice, scenario.systemPrompt, (id, outcome) =>
      this.outcomes.set(id, outcome),
    );
    // Speech-to-speech when asked for and reachable (bounded attempts); otherwise, or once it is lost, the cascade.
    const s2s = requested === 'speech_to_speech' ? await this.speechToSpeech(sessionId, scenario, settings) : null;
    const engineSwitch = s2s && 'generator' in s2s ? new EngineSwitch(s2s.generator, generator, (reason) => void this.fellBack(sessionId, reason)) : null;
    const fallbackReason = s2s && 'reason' in s2s ? s2s.reason : undefined;
    const engine: RealtimeEngine = engineSwitch ? 'speech_to_speech' : 'cascade';
    // libfvad's own overhang off: the conversation's hangover is then the only wait between the voice stopping and
    // the speech end (both together held the final transcript back by 60–90 ms more).
    const voiceActivity = new VoiceActivityDetector({ mode: 2, frameMs: 10, overhang: false });
    const emit: ConversationPorts['emit'] = (event, payload) => {
      // A cut AI turn: the provider's item is truncated to what the trainee heard (its playback report, when stored).
      if (event === 'interrupted' && engineSwitch?.engine === 'speech_to_speech') {
        s2sOf(engineSwitch)?.interrupted((payload as { heardMs: number }).heardMs);
      }
      this.relay(sessionId, event, payload);
    };
    const conversation = new Conversation(
      sessionId,
      {
        vad: (frame) => ({ voiced: voiceActivity.process(frame).voiced }),
        recognizer: this.recognizer(scenario.language),
        generator: engineSwitch ?? generator,
        emit,
        store: this.endingStore(session, scenario, () => this.live.get(sessionId)?.engine ?? engine, engineSwitch),
        clock: { now: () => Date.now(), setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
        // The conversation logs errors as `error`; pino serialises only `err` (an Error under `error` prints as {}).
        logger: {
          debug: (context, message) => this.logger.debug({ sessionId, ...withErr(context) }, message),
          warn: (context, message) => this.logger.warn({ sessionId, ...withErr(context) }, message),
          error: (context, message) => this.logger.error({ sessionId, ...withErr(context) }, message),
        },
        newId: () => randomUUID(),
        frameHandled: (ms) => this.frameSeconds.observe({ engine: this.live.get(sessionId)?.engine ?? engine }, ms / 1000),
        // The idle timeout counts from the end of the last speech of either side (SPEC §7.2).
        activity: (event) => this.activity.record(sessionId, scenario, event),
        providerError: (error) => {
          // The speech-to-speech socket was lost mid-reply: the session goes on in the cascade.
          if (error instanceof S2sUnavailable) return;
          this.logger.warn({ sessionId, err: (error as Error)?.message }, 'realtime provider failed; ending the session');
          void this.lifecycle.end(sessionId, 'provider_error');
        },
      },
      settings,
    );
    const resumed = turns.length > 0;
    if (resumed) conversation.resume(turns.map((t) => ({ sequence: t.sequence, speaker: t.speaker, text: t.text })));
    const live: Live = { session, conversation, engine, release: [], voiceActivity, generator, engineSwitch };
    this.live.set(sessionId, live);
    if (engineSwitch) live.release.push(() => engineSwitch.fallback('closed'));
    live.release.push(
      this.bus.onSignalBytes(RealtimeSubjects.frames(sessionId), (data) => this.frame(live, data)),
      this.bus.respond(RealtimeSubjects.control(sessionId), (message) => this.control(live, message as RtControl)),
      this.bus.onSignal(Signals.SessionEnded(sessionId), () => void this.close(sessionId, { releaseLease: true, forget: true })),
    );
    await this.queues.redis.sadd(this.liveSetKey, sessionId);
    await this.prisma.practiceSession.update({
      where: { id: sessionId },
      data: { realtimeSettings: settings as object, ...(session.engines.includes(engine) ? {} : { engines: { push: engine } }) },
    });
    this.relay(sessionId, 'engine', {
      sessionId,
      engine,
      ...(requested !== engine ? { fallbackFrom: requested, reason: fallbackReason ?? 'speech-to-speech is not configured' } : {}),
    });
    if (!resumed) conversation.startAiTurn('opening');
    this.logger.log({ sessionId, resumed, engine }, 'conversation started');
    return live;
  }

  /** The store, plus the end criteria checked once each AI turn is stored: its objective outcome, the turn budget. */
  private endingStore(session: PracticeSession, scenario: ScenarioContent, engine: () => RealtimeEngine, engineSwitch: EngineSwitch | null): StorePort {
    const sessionId = session.id;
    // An AI turn is stored with the engine that produced it, which may not be the session's engine any more.
    let turnEngine: RealtimeEngine | undefined;
    const store = this.store.forSession(session, () => turnEngine ?? engine());
    return {
      traineeUtterance: (record) => store.traineeUtterance(record),
      generations: (records) => store.generations(records),
      aiTurn: async (record) => {
        const cut = record.generations.at(-1);
        if (record.interrupted && record.heardMs !== null && cut && engineSwitch) s2sOf(engineSwitch)?.heard(cut.id, record.heardMs);
        turnEngine = cut && engineSwitch ? engineSwitch.engineOf(cut.id) : undefined;
        const stored = store.aiTurn(record);
        turnEngine = undefined;
        const { view, traineeTurnCount } = await stored;
        const outcome = record.generations.map((g) => this.outcomes.get(g.id)).find(Boolean);
        for (const generation of record.generations) this.outcomes.delete(generation.id);
        if (outcome && outcome !== 'continue') void this.lifecycle.end(sessionId, outcome);
        else if (traineeTurnCount >= scenario.endCriteria.maxTurns) void this.lifecycle.end(sessionId, 'max_turns');
        return view;
      },
    };
  }

  /** Opens the speech-to-speech socket of a session, or says why it cannot run. */
  private async speechToSpeech(
    sessionId: string,
    scenario: ScenarioContent,
    settings: RealtimeSettings,
  ): Promise<{ generator: S2sGenerator } | { reason: string }> {
    const { REALTIME_BASE_URL, REALTIME_API_KEY, REALTIME_MODEL, REALTIME_VOICE } = this.config;
    if (!REALTIME_BASE_URL) return { reason: 'speech-to-speech is not configured' };
    let onLost: (reason: string) => void = () => undefined;
    const generator = new S2sGenerator({
      baseUrl: REALTIME_BASE_URL,
      apiKey: REALTIME_API_KEY,
      model: REALTIME_MODEL,
      voice: REALTIME_VOICE,
      instructions: (live) => {
        const systemPrompt = (live ?? settings).systemPrompt;
        return roleplayerSystemPrompt(systemPrompt ? { ...scenario, systemPrompt } : scenario);
      },
      logger: {
        debug: (context, message) => this.logger.debug({ sessionId, ...context }, message),
        warn: (context, message) => this.logger.warn({ sessionId, ...context }, message),
        error: (context, message) => this.logger.error({ sessionId, ...context }, message),
      },
      onLost: (reason) => onLost(reason),
    });
    try {
      await generator.connect();
    } catch (error) {
      generator.close();
      const reason = error instanceof S2sUnavailable ? error.reason : (error as Error).message;
      this.logger.warn({ sessionId, reason }, 'speech-to-speech unavailable; the session runs on the cascade');
      return { reason: `speech-to-speech unavailable: ${reason}` };
    }
    onLost = (reason) => this.live.get(sessionId)?.engineSwitch?.fallback(reason);
    return { generator };
  }

  /** The session left speech-to-speech for the cascade: the client is told, the session records the engine. */
  private async fellBack(sessionId: string, reason: string): Promise<void> {
    const live = this.live.get(sessionId);
    if (!live || live.engine === 'cascade' || reason === 'closed') return;
    live.engine = 'cascade';
    this.logger.warn({ sessionId, reason }, 'speech-to-speech lost; the session continues on the cascade');
    this.relay(sessionId, 'engine', { sessionId, engine: 'cascade', fallbackFrom: 'speech_to_speech', reason: `speech-to-speech lost: ${reason}` });
    try {
      const row = await this.prisma.practiceSession.findUnique({ where: { id: sessionId }, select: { engines: true } });
      if (row && !row.engines.includes('cascade')) await this.prisma.practiceSession.update({ where: { id: sessionId }, data: { engines: { push: 'cascade' } } });
    } catch (error) {
      this.logger.warn({ sessionId, err: (error as Error).message }, 'recording the fallback engine failed');
    }
  }

  private recognizer(language: string): RecognizerPort {
    if (this.config.ASR_PROVIDER === 'openai') {
      this.transcriber ??= createProviders({
        llm: { audio: false, timeoutMs: this.config.LLM_TIMEOUT_MS, retries: this.config.LLM_RETRIES },
        asr: { provider: 'openai', baseUrl: this.config.ASR_BASE_URL, apiKey: this.config.ASR_API_KEY, model: this.config.ASR_MODEL },
        tts: { provider: 'flite' },
      }).transcriber;
      return utteranceRecognizer(this.transcriber, language);
    }
    this.decoders ??= new DecoderPool({ size: this.config.RT_DECODERS });
    return pooledRecognizer(this.decoders);
  }

  /** Malformed frames were refused at the gateway; guarded anyway. */
  private frame(live: Live, data: Uint8Array): void {
    const frame = decodeRtFrame(data);
    if (frame) live.conversation.pushFrame(frame.seq, frame.pcm, frame.arrivedAt);
  }

  private async control(live: Live, message: RtControl): Promise<RtControlReply> {
    switch (message.type) {
      case 'playback':
        live.conversation.playback(message.turnId, message.playedMs);
        break;
      case 'interrupt':
        live.conversation.interrupt();
        break;
      case 'update_settings': {
        const settings = live.conversation.updateSettings(message.settings);
        await this.prisma.practiceSession.update({ where: { id: live.session.id }, data: { realtimeSettings: settings as object } });
        break;
      }
      case 'gone':
        await this.close(live.session.id, { releaseLease: true });
        return { engine: live.engine, settings: live.conversation.currentSettings, state: 'IDLE' };
      case 'status':
        break;
    }
    return this.status(live);
  }

  private status(live: Live): RtControlReply {
    return { engine: live.engine, settings: live.conversation.currentSettings, state: live.conversation.state };
  }

  /** Server events to the gateways whose sockets joined the session; audio travels as base64 inside JSON. */
  private relay(sessionId: string, event: RtRelayedEvent['event'], payload: unknown): void {
    this.observe(sessionId, event, payload);
    const relayed: RtRelayedEvent = {
      event,
      payload:
        event === 'ai_audio_chunk'
          ? { ...(payload as object), pcm: Buffer.from((payload as { pcm: Uint8Array }).pcm).toString('base64') }
          : payload,
    };
    this.bus.signal(RealtimeSubjects.events(sessionId), relayed);
  }

  /** Prometheus figures of the conversation, labelled by engine (never by session). */
  private observe(sessionId: string, event: RtRelayedEvent['event'], payload: unknown): void {
    const engine = this.live.get(sessionId)?.engine ?? 'cascade';
    if (event === 'speech') {
      const speech = payload as { speaking: boolean; at: string };
      if (speech.speaking) this.voiceStartedAt.set(sessionId, Date.parse(speech.at));
    } else if (event === 'interrupted') {
      const started = this.voiceStartedAt.get(sessionId);
      if (started !== undefined) this.bargeInSeconds.observe({ engine }, Math.max(0, Date.now() - started) / 1000);
    } else if (event === 'latency') {
      const latency = payload as Record<string, unknown>;
      for (const segment of ['transcriptMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'speechEndToFirstAudioMs']) {
        const ms = latency[segment];
        if (typeof ms === 'number') this.latencySeconds.observe({ engine, segment }, ms / 1000);
      }
    }
  }

  private async close(sessionId: string, options: { releaseLease: boolean; forget?: boolean }): Promise<void> {
    const live = this.live.get(sessionId);
    if (!live) return;
    this.live.delete(sessionId);
    this.voiceStartedAt.delete(sessionId);
    for (const release of live.release) release();
    await live.conversation.close().catch((err: Error) => this.logger.warn({ sessionId, err: err.message }, 'conversation closed with an error'));
    // After the close: cutting the AI's turn there reports the end of its speech.
    this.activity.forget(sessionId);
    live.voiceActivity.dispose();
    if (options.forget) await this.queues.redis.srem(this.liveSetKey, sessionId);
    if (options.releaseLease) await this.releaseLease(sessionId);
    this.logger.log({ sessionId }, 'conversation closed');
  }

  private async acquire(sessionId: string): Promise<boolean> {
    return (await this.queues.redis.set(this.key('lease', sessionId), this.replicaId, 'PX', LEASE_MS, 'NX')) === 'OK';
  }

  /**
   * Renews only leases still ours, a batch per round trip; a lost lease (this replica stalled past it) closes the
   * conversation here.
   */
  private async renewLeases(): Promise<void> {
    const sessionIds = [...this.live.keys()];
    for (let at = 0; at < sessionIds.length; at += LEASES_PER_RENEWAL) {
      const batch = sessionIds.slice(at, at + LEASES_PER_RENEWAL);
      const lost = (await this.queues.redis
        .eval(RENEW_LEASES, batch.length, ...batch.map((id) => this.key('lease', id)), this.replicaId, LEASE_MS)
        .catch(() => [])) as number[];
      for (const index of lost) {
        const sessionId = batch[index - 1]!;
        this.logger.warn({ sessionId }, 'conversation lease lost; another replica continues it');
        await this.close(sessionId, { releaseLease: false });
      }
    }
  }

  private async releaseLease(sessionId: string): Promise<void> {
    await this.queues.redis
      .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, this.key('lease', sessionId), this.replicaId)
      .catch(() => undefined);
  }

  /** Conversations whose owner is gone (no lease) and whose trainee is still there are continued here. */
  private async takeOverOrphans(): Promise<void> {
    try {
      const ids = await this.queues.redis.smembers(this.liveSetKey);
      for (const sessionId of ids) {
        if (this.live.has(sessionId) || this.opening.has(sessionId)) continue;
        if (await this.queues.redis.exists(this.key('gone', sessionId), this.key('lease', sessionId))) continue;
        const session = await this.prisma.practiceSession.findUnique({ where: { id: sessionId } });
        if (!session || !isOpen(session.status)) {
          await this.queues.redis.srem(this.liveSetKey, sessionId);
          continue;
        }
        if (!(await this.acquire(sessionId))) continue;
        this.logger.warn({ sessionId }, 'taking over a conversation whose owner is gone');
        const settings = RealtimeSettingsSchema.parse({ ...DEFAULT_REALTIME_SETTINGS, ...(session.realtimeSettings as object | null) });
        await this.open(session, settings, (session.engines.at(-1) as RealtimeEngine | undefined) ?? 'cascade');
      }
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'takeover scan failed; retried');
    }
  }
}

/** The speech-to-speech generator behind a switch, while it is the engine. */
function s2sOf(engineSwitch: EngineSwitch): S2sGenerator | null {
  return engineSwitch.current;
}

function withErr(context: object): object {
  if (!('error' in context) || !(context.error instanceof Error)) return context;
  const { error, ...rest } = context as { error: Error };
  return { ...rest, err: error };
}
