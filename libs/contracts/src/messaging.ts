/**
 * Names of everything that travels between services: NATS command subjects, JetStream streams, subjects and
 * durable consumers, BullMQ queues and jobs.
 *
 * WARNING: renaming any value here strands messages, consumers and jobs that are already in flight under the old
 * name. Add a new name and migrate instead.
 *
 * Every name is relative: the bus and queue libraries prefix them with the deployment namespace
 * (`PARLEY_NAMESPACE`), so a test run and a local run on one machine never see each other's traffic.
 */

/** Request/reply commands on core NATS, served by one queue group per owning service. */
export const Commands = {
  ScenarioList: 'scenario.list',
  ScenarioGet: 'scenario.get',
  ScenarioCreate: 'scenario.create',
  ScenarioUpdate: 'scenario.update',
  ScenarioPublish: 'scenario.publish',
  SkillList: 'skill.list',
  TemplateList: 'template.list',
  SessionCreate: 'session.create',
  SessionGet: 'session.get',
  SessionStop: 'session.stop',
  TurnSubmit: 'session.turn.submit',
  TurnGet: 'session.turn.get',
  SessionList: 'session.list',
  SessionDelete: 'session.delete',
  SessionPracticeAgain: 'session.practice_again',
  EvaluationGet: 'evaluation.get',
  EvaluationRequeue: 'evaluation.requeue',
  RoleplayerInfo: 'pipeline.roleplayer_info',
  /** A live generation (realtime voice); its events stream on `GenerationSubjects.events`. */
  Generate: 'pipeline.generate',
  /** Starts (or reports) a session's live conversation on whichever session replica owns or takes it. */
  RtStart: 'session.rt.start',
  /** The trainee's sockets of a realtime session all left (`present: false`) or one came back. */
  RtPresence: 'session.rt.presence',
  LatencyStats: 'session.latency_stats',
  Progress: 'session.progress',
  ChatSend: 'session.chat.send',
  /** Checks that the caller may read a reply stream (their own session). */
  ChatStream: 'session.chat.stream',
} as const;
export type CommandName = (typeof Commands)[keyof typeof Commands];

/** Durable events on JetStream. The first segment names the stream that holds them. */
export const Events = {
  SessionCreated: 'session.created',
  SessionStatusChanged: 'session.status_changed',
  SessionEnded: 'session.ended',
  SessionDeleted: 'session.deleted',
  TraineeTurnAccepted: 'session.trainee_turn_accepted',
  TurnRecorded: 'session.turn_recorded',
  /** A typed trainee message (text mode) was stored; the reply streams to its chat stream. */
  TraineeMessageAccepted: 'session.trainee_message_accepted',
  TurnTranscribed: 'asr.turn_transcribed',
  AiReplyReady: 'pipeline.ai_reply_ready',
  ProviderFailed: 'pipeline.provider_failed',
  EvaluationCompleted: 'evaluation.completed',
} as const;
export type EventName = (typeof Events)[keyof typeof Events];

export interface StreamSpec {
  name: string;
  /** Subject filters relative to the namespace. */
  subjects: string[];
}

export const Streams = {
  Session: { name: 'SESSION', subjects: ['session.>'] },
  Asr: { name: 'ASR', subjects: ['asr.>'] },
  Pipeline: { name: 'PIPELINE', subjects: ['pipeline.>'] },
  Evaluation: { name: 'EVALUATION', subjects: ['evaluation.>'] },
} as const satisfies Record<string, StreamSpec>;

/**
 * Where the bus keeps the events a consumer gave up on: `<namespace>.deadletter.<durable>`, stored in the stream
 * `<namespace>_DEADLETTER` (scripts/replay-deadletters.ts lists and replays them). Renaming strands stored letters.
 */
export const DeadLetters = {
  stream: (namespace: string) => `${namespace}_DEADLETTER`,
  subject: (namespace: string, durable: string) => `${namespace}.deadletter.${durable}`,
} as const;

export interface ConsumerSpec {
  /** Durable name: every replica of the owning service shares it, so each event is handled once. */
  durable: string;
  stream: StreamSpec;
  events: EventName[];
}

/** Durable consumers, one per (service, purpose). */
export const Consumers = {
  GatewayPushesSessionEvents: {
    durable: 'gateway-push-session',
    stream: Streams.Session,
    events: [Events.SessionEnded, Events.TurnRecorded, Events.SessionStatusChanged],
  },
  GatewayPushesTranscripts: { durable: 'gateway-push-asr', stream: Streams.Asr, events: [Events.TurnTranscribed] },
  GatewayPushesEvaluations: {
    durable: 'gateway-push-evaluation',
    stream: Streams.Evaluation,
    events: [Events.EvaluationCompleted],
  },
  SessionStoresTranscripts: { durable: 'session-transcripts', stream: Streams.Asr, events: [Events.TurnTranscribed] },
  SessionRecordsPipelineResults: {
    durable: 'session-pipeline',
    stream: Streams.Pipeline,
    events: [Events.AiReplyReady, Events.ProviderFailed],
  },
  AsrTranscribesTurns: { durable: 'asr-turns', stream: Streams.Session, events: [Events.TraineeTurnAccepted] },
  PipelineStartsSessions: { durable: 'pipeline-sessions', stream: Streams.Session, events: [Events.SessionCreated] },
  PipelineRepliesToTurns: { durable: 'pipeline-transcripts', stream: Streams.Asr, events: [Events.TurnTranscribed] },
  PipelineRepliesToMessages: { durable: 'pipeline-messages', stream: Streams.Session, events: [Events.TraineeMessageAccepted] },
  /** Speech-to-speech models (LLM_AUDIO=true) answer the accepted audio itself, without waiting for ASR. */
  PipelineRepliesToAudio: { durable: 'pipeline-turns', stream: Streams.Session, events: [Events.TraineeTurnAccepted] },
  EvaluatorScoresSessions: {
    durable: 'evaluator-sessions',
    stream: Streams.Session,
    events: [Events.SessionEnded, Events.SessionDeleted],
  },
} as const satisfies Record<string, ConsumerSpec>;

/** BullMQ queues; one per worker role so each scales on its own depth. */
export const Queues = {
  SessionTimers: 'session-timers',
  Transcription: 'transcription',
  TurnPipeline: 'turn-pipeline',
  Evaluation: 'evaluation',
} as const;
export type QueueName = (typeof Queues)[keyof typeof Queues];

export const Jobs = {
  IdleTimeout: 'idle-timeout',
  MaxDuration: 'max-duration',
  /** Realtime: the trainee left and has not come back within the grace period. */
  ClientGone: 'client-gone',
  /** After a session ends: remove audio no turn refers to (uploads a crash cut off). */
  SweepAudio: 'sweep-audio',
  TranscribeTurn: 'transcribe-turn',
  OpeningTurn: 'opening-turn',
  ReplyTurn: 'reply-turn',
  EvaluateSession: 'evaluate-session',
} as const;
export type JobName = (typeof Jobs)[keyof typeof Jobs];

/** The stream that stores an event: the event's first segment names it. */
export function streamOf(event: EventName): StreamSpec {
  const segment = event.split('.')[0]!;
  const stream = Object.values(Streams).find((s) => s.subjects[0] === `${segment}.>`);
  if (!stream) throw new Error(`No stream holds ${event}`);
  return stream;
}

/** Which jobs run on which queue; a worker must handle every job of its queue (checked at boot). */
export const QueueJobs = {
  [Queues.SessionTimers]: [Jobs.IdleTimeout, Jobs.MaxDuration, Jobs.ClientGone, Jobs.SweepAudio],
  [Queues.Transcription]: [Jobs.TranscribeTurn],
  [Queues.TurnPipeline]: [Jobs.OpeningTurn, Jobs.ReplyTurn],
  [Queues.Evaluation]: [Jobs.EvaluateSession],
} as const satisfies Record<QueueName, readonly JobName[]>;

/**
 * Ephemeral signals on core NATS (no stream: only listeners present right now hear them), for work that must
 * stop at once when something happens elsewhere, e.g. a reply being generated for a session that just ended.
 */
export const Signals = {
  SessionEnded: (sessionId: string) => `signal.session_ended.${sessionId}`,
} as const;
