import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { SpanStatusCode, context as otelContext, type Span } from '@opentelemetry/api';
import {
  AppError,
  CommandSchemas,
  DeadLetters,
  EventSchemas,
  isErrorBody,
  type CommandName,
  type ConsumerSpec,
  type ErrorBody,
  type EventName,
  type EventPayload,
  type StreamSpec,
  streamOf,
} from '@parley/contracts';
import { correlationIdOf, newContext, toHeaders, type MessageContext } from './context';
import {
  SpanKind,
  extractTraceHeaders,
  injectTraceHeaders,
  messagingAttributes,
  sendingParent,
  traced,
  traceparentOf,
} from './trace-context';
import { silentLogger, type BusLogger } from './logger';

export interface BusOptions {
  url: string;
  /** Deployment namespace; prefixes every subject, stream and durable name. */
  namespace: string;
  /** Name of this service: the queue group of its command handlers, shown in NATS monitoring. */
  service: string;
  requestTimeoutMs?: number;
  logger?: BusLogger;
  /** Runs around every command and event handler, e.g. to put the correlation id into the log context. */
  around?: <T>(context: MessageContext, work: () => Promise<T>) => Promise<T>;
}

export type CommandHandler = (payload: unknown, context: MessageContext) => Promise<unknown>;

export type EventHandler<E extends EventName> = (
  payload: EventPayload<E>,
  meta: MessageContext & { deliveryCount: number; messageId: string | undefined },
) => Promise<void>;

export type EventHandlers<S extends ConsumerSpec> = { [E in S['events'][number]]: EventHandler<E> };

export interface ConsumeOptions {
  /** Messages handled at once by this replica. */
  concurrency?: number;
  /** Deliveries before a message goes to the dead-letter subject. */
  maxDeliver?: number;
  /** How long a delivered message may stay unacknowledged before JetStream redelivers it. */
  ackWaitMs?: number;
}

type Reply = { ok: true; data: unknown } | { ok: false; error: ErrorBody };

const DEDUPE_WINDOW_MS = 5 * 60_000;
/** How long dead letters stay in the dead-letter stream for inspection and replay (scripts/replay-deadletters.ts). */
const DEAD_LETTER_MAX_AGE_MS = 30 * 24 * 3600_000;

/** Whether any setting we declare is not what the server holds (arrays such as subjects compared by value). */
function differs(wanted: object, current: object): boolean {
  const held = current as Record<string, unknown>;
  return Object.entries(wanted).some(([key, value]) => JSON.stringify(held[key]) !== JSON.stringify(value));
}

/**
 * The one way services talk: request/reply commands on core NATS (queue groups, timeouts) and durable events on
 * JetStream (message-id dedupe on publish; durable pull consumers with explicit ack, bounded concurrency,
 * redelivery with backoff and a logged dead-letter path).
 */
export class Bus {
  private readonly logger: BusLogger;
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers: ConsumerMessages[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly streamsReady = new Map<string, Promise<void>>();
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;
  private closing = false;
  private pendingSignals: Array<[subject: string, data: string | Uint8Array]> = [];
  private signalFlush: NodeJS.Immediate | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: Required<BusOptions>,
  ) {
    this.logger = options.logger;
  }

  /** Connects, waiting for the server if it is not up yet, and reconnecting forever afterwards. */
  static async connect(options: BusOptions): Promise<Bus> {
    const logger = options.logger ?? silentLogger;
    const nc = await connect({
      servers: options.url.split(','),
      name: `${options.namespace}-${options.service}`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const bus = new Bus(nc, { requestTimeoutMs: 5_000, around: (_context, work) => work(), ...options, logger });
    bus.js = jetstream(nc);
    bus.jsm = await jetstreamManager(nc);
    bus.watchStatus();
    return bus;
  }

  private watchStatus(): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') {
          this.logger.warn({ nats: status.type }, `NATS ${status.type}`);
        }
      }
    })();
  }

  /** Commands and events live under separate prefixes so a stream never captures a command's request. */
  private commandSubject(command: CommandName): string {
    return `${this.options.namespace}.cmd.${command}`;
  }

  private eventSubject(event: string): string {
    return `${this.options.namespace}.evt.${event}`;
  }

  private streamName(stream: StreamSpec): string {
    return `${this.options.namespace}_${stream.name}`;
  }

  /** True when the server answers a round trip within `timeoutMs`: what readiness probes ask. */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.nc.flush().then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- commands ---------------------------------------------------------------------------------------------

  /** Sends a command and returns its result; an error reply is rethrown as the same {@link AppError}. */
  async request<T>(command: CommandName, payload: unknown, context: MessageContext = newContext(), timeoutMs?: number): Promise<T> {
    const subject = this.commandSubject(command);
    const attributes = messagingAttributes('send', subject);
    return traced(`send ${command}`, SpanKind.PRODUCER, sendingParent(context.traceparent), attributes, async () => {
      const headers = toHeaders(context);
      injectTraceHeaders(otelContext.active(), headers);
      let msg: Msg;
      try {
        msg = await this.nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs ?? this.options.requestTimeoutMs, headers });
      } catch (error) {
        throw requestFailure(command, error);
      }
      const reply = msg.json<Reply>();
      if (reply.ok) return reply.data as T;
      if (isErrorBody(reply.error)) throw AppError.fromBody(reply.error);
      throw new AppError('internal', `Malformed reply to ${command}`);
    }, isSystemFailure);
  }

  /**
   * Serves commands in this service's queue group, so each request reaches exactly one replica.
   * Handlers parse their own payloads; anything but an {@link AppError} is logged and answered as `internal`.
   */
  serve(handlers: Partial<Record<CommandName, CommandHandler>>): void {
    for (const [command, handler] of Object.entries(handlers) as [CommandName, CommandHandler][]) {
      const sub = this.nc.subscribe(this.commandSubject(command), {
        queue: this.options.service,
        callback: (err, msg) => {
          if (err) {
            this.logger.error({ err, command }, 'command subscription failed');
            return;
          }
          this.track(this.answer(command, handler, msg));
        },
      });
      this.subscriptions.push(sub);
    }
  }

  private async answer(command: CommandName, handler: CommandHandler, msg: Msg): Promise<void> {
    const attributes = messagingAttributes('process', msg.subject, { 'messaging.consumer.group.name': this.options.service });
    await traced(`process ${command}`, SpanKind.CONSUMER, extractTraceHeaders(msg.headers), attributes, async (span) => {
      // Handlers pass this context on: what they send continues this span, under the caller's correlation id.
      const context: MessageContext = { correlationId: correlationIdOf(msg.headers), traceparent: traceparentOf() };
      let reply: Reply;
      try {
        const payload = parseCommand(command, msg);
        reply = { ok: true, data: (await this.options.around(context, () => handler(payload, context))) ?? null };
      } catch (error) {
        if (error instanceof AppError) {
          reply = { ok: false, error: error.toJSON() };
          span.setAttribute('parley.error.code', error.code);
        } else {
          this.logger.error({ err: error, command, correlationId: context.correlationId }, 'command failed');
          failSpan(span, error);
          reply = { ok: false, error: new AppError('internal', 'Something went wrong on our side').toJSON() };
        }
      }
      if (msg.reply) msg.respond(JSON.stringify(reply));
    });
  }

  // ---- signals ----------------------------------------------------------------------------------------------

  /** Fire-and-forget on core NATS (see `Signals` in the contracts): heard only by whoever listens right now. */
  signal(subject: string, payload: unknown = {}): void {
    this.publishSoon(subject, JSON.stringify(payload));
  }

  /** Listens for a signal until the returned function is called. */
  onSignal(subject: string, handler: (payload: unknown) => void): () => void {
    const sub = this.nc.subscribe(`${this.options.namespace}.${subject}`, {
      callback: (err, msg) => {
        if (err) return;
        let payload: unknown;
        try {
          payload = msg.data.length ? msg.json() : {};
        } catch {
          payload = {};
        }
        this.safely(subject, () => handler(payload));
      },
    });
    return () => sub.unsubscribe();
  }

  /** Binary fire-and-forget (audio frames): no JSON on the hot path. */
  signalBytes(subject: string, data: Uint8Array): void {
    this.publishSoon(subject, data);
  }

  /**
   * Signals are published together once the current I/O callbacks have run (setImmediate), in the order they were
   * given. nats.js writes to its socket once per task that published, so a frame per socket.io message meant a write
   * per frame: at 10 000 frames a second those writes alone took 40 % of the gateway's CPU. Everything read in one
   * turn of the event loop now leaves in one write; an idle loop adds no delay worth counting.
   */
  private publishSoon(subject: string, data: string | Uint8Array): void {
    if (this.nc.isClosed()) return;
    this.pendingSignals.push([`${this.options.namespace}.${subject}`, data]);
    this.signalFlush ??= setImmediate(() => this.flushSignals());
  }

  private flushSignals(): void {
    if (this.signalFlush) clearImmediate(this.signalFlush);
    this.signalFlush = null;
    const batch = this.pendingSignals;
    this.pendingSignals = [];
    if (this.nc.isClosed()) return;
    for (const [subject, data] of batch) {
      // Published outside the caller's stack: a refusal (connection closed or draining, a malformed subject) loses
      // this signal, as fire-and-forget allows, never the rest of the batch or the process.
      try {
        this.nc.publish(subject, data);
      } catch (error) {
        this.logger.warn({ err: error, subject }, 'signal not sent');
      }
    }
  }

  onSignalBytes(subject: string, handler: (data: Uint8Array) => void): () => void {
    const sub = this.nc.subscribe(`${this.options.namespace}.${subject}`, {
      callback: (err, msg) => {
        if (!err) this.safely(subject, () => handler(msg.data));
      },
    });
    return () => sub.unsubscribe();
  }

  /** A throwing listener must not take the connection's reader down with it. */
  private safely(subject: string, listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.logger.error({ err: error, subject }, 'signal listener failed');
    }
  }

  /**
   * Request/reply on a subject of its own (one listener, e.g. the owner of a live conversation), with the same reply
   * envelope and errors as commands; `unavailable` when nobody listens.
   */
  async ask<T>(subject: string, payload: unknown, timeoutMs = this.options.requestTimeoutMs): Promise<T> {
    let msg: Msg;
    try {
      msg = await this.nc.request(`${this.options.namespace}.${subject}`, JSON.stringify(payload), { timeout: timeoutMs });
    } catch (error) {
      const noResponders = (error as { name?: string }).name === 'NoRespondersError' || /no responders/i.test(String(error));
      throw new AppError(noResponders ? 'unavailable' : 'timeout', noResponders ? 'Nobody is handling that right now' : 'No answer in time');
    }
    const reply = msg.json<Reply>();
    if (reply.ok) return reply.data as T;
    throw isErrorBody(reply.error) ? AppError.fromBody(reply.error) : new AppError('internal', 'Malformed reply');
  }

  /** Answers {@link ask}s on `subject` until the returned function is called. */
  respond(subject: string, handler: (payload: unknown) => Promise<unknown>): () => void {
    const sub = this.nc.subscribe(`${this.options.namespace}.${subject}`, {
      callback: (err, msg) => {
        if (err) return;
        this.track(
          (async () => {
            let reply: Reply;
            try {
              reply = { ok: true, data: (await handler(msg.data.length ? msg.json() : {})) ?? null };
            } catch (error) {
              if (!(error instanceof AppError)) this.logger.error({ err: error, subject }, 'reply handler failed');
              reply = { ok: false, error: (error instanceof AppError ? error : new AppError('internal', 'Something went wrong on our side')).toJSON() };
            }
            if (msg.reply) msg.respond(JSON.stringify(reply));
          })(),
        );
      },
    });
    return () => sub.unsubscribe();
  }

  // ---- events -----------------------------------------------------------------------------------------------

  /** Creates (or updates) a stream; every service calls this for the streams it touches, so boot order is free. */
  async ensureStream(stream: StreamSpec): Promise<void> {
    return this.declareStream({
      name: this.streamName(stream),
      subjects: stream.subjects.map((s) => this.eventSubject(s)),
      duplicate_window: nanos(DEDUPE_WINDOW_MS),
    });
  }

  private declareStream(config: { name: string; subjects: string[]; duplicate_window: number; max_age?: number }): Promise<void> {
    const { name } = config;
    let ready = this.streamsReady.get(name);
    if (!ready) {
      // Updated only when the settings changed: nats-server 2.9 restarts the stream's consumers on an update, which
      // forgets their delivery counts and hands unacknowledged messages out again.
      ready = this.jsm.streams.info(name).then(
        async (info) => {
          if (differs(config, info.config)) await this.jsm.streams.update(name, config);
        },
        () => this.jsm.streams.add(config).then(() => undefined),
      );
      this.streamsReady.set(name, ready);
      ready.catch(() => this.streamsReady.delete(name));
    }
    return ready;
  }

  /**
   * Publishes a durable event. `messageId` makes the publish idempotent: the same id within the dedupe window
   * is stored once, so a retried producer does not create a second event.
   */
  async publish<E extends EventName>(
    event: E,
    payload: EventPayload<E>,
    options: { messageId: string; context?: MessageContext },
  ): Promise<void> {
    const data = EventSchemas[event].parse(payload);
    const context = options.context ?? newContext();
    const subject = this.eventSubject(event);
    const attributes = messagingAttributes('send', subject, { 'messaging.message.id': options.messageId });
    await traced(`send ${event}`, SpanKind.PRODUCER, sendingParent(context.traceparent), attributes, async () => {
      await this.ensureStream(streamOf(event));
      const headers = toHeaders(context);
      injectTraceHeaders(otelContext.active(), headers);
      await this.js.publish(subject, JSON.stringify(data), { msgID: options.messageId, headers });
    });
  }

  /**
   * Starts a durable pull consumer per event of `spec`. Every event in the spec must have a handler (checked at
   * boot). A handler that throws gets the message redelivered with backoff; after `maxDeliver` deliveries the
   * message is dead-lettered: logged with its payload id and stored on `<namespace>.deadletter.<durable>` in the
   * `<namespace>_DEADLETTER` stream, from where scripts/replay-deadletters.ts lists and replays it.
   */
  async consume<S extends ConsumerSpec>(spec: S, handlers: EventHandlers<S>, options: ConsumeOptions = {}): Promise<void> {
    // A crashed consumer's messages come back after ackWaitMs (handlers heartbeat meanwhile, so slow work is not
    // redelivered); maxDeliver with the capped backoff below rides out an outage of a few minutes before dead-lettering.
    const { concurrency = 8, maxDeliver = 20, ackWaitMs = 5_000 } = options;
    const byEvent = handlers as Record<string, EventHandler<EventName>>;
    for (const event of spec.events) {
      if (typeof byEvent[event] !== 'function') throw new Error(`Consumer ${spec.durable} has no handler for ${event}`);
    }
    await this.ensureStream(spec.stream);
    await this.declareStream({
      name: DeadLetters.stream(this.options.namespace),
      subjects: [DeadLetters.subject(this.options.namespace, '>')],
      duplicate_window: nanos(DEDUPE_WINDOW_MS),
      max_age: nanos(DEAD_LETTER_MAX_AGE_MS),
    });
    const stream = this.streamName(spec.stream);
    for (const event of spec.events) {
      // One durable per event: nats-server 2.9 allows only one filter subject per consumer.
      const durable = `${spec.durable}_${event.replace(/[.]/g, '-')}`;
      const config = {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.eventSubject(event),
        max_deliver: maxDeliver,
        ack_wait: nanos(ackWaitMs),
        max_ack_pending: Math.max(concurrency * 4, 16),
      };
      await this.jsm.consumers.info(stream, durable).then(
        async (info) => {
          if (differs(config, info.config)) await this.jsm.consumers.update(stream, durable, config);
        },
        () => this.jsm.consumers.add(stream, config),
      );
      const consumer = await this.js.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: concurrency });
      this.consumers.push(messages);
      void this.pump(messages, event, byEvent[event]!, { concurrency, maxDeliver, ackWaitMs, durable });
    }
  }

  private async pump(
    messages: ConsumerMessages,
    event: EventName,
    handler: EventHandler<EventName>,
    options: { concurrency: number; maxDeliver: number; ackWaitMs: number; durable: string },
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    for await (const msg of messages) {
      if (this.closing) {
        msg.nak();
        continue;
      }
      const job = this.handle(msg, event, handler, options).finally(() => running.delete(job));
      running.add(job);
      this.track(job);
      if (running.size >= options.concurrency) await Promise.race(running);
    }
  }

  private async handle(
    msg: JsMsg,
    event: EventName,
    handler: EventHandler<EventName>,
    options: { maxDeliver: number; ackWaitMs: number; durable: string },
  ): Promise<void> {
    const messageId = msg.headers?.get('Nats-Msg-Id') || undefined;
    const deliveryCount = msg.info.deliveryCount;
    const attributes = messagingAttributes('process', msg.subject, {
      'messaging.consumer.group.name': options.durable,
      'messaging.message.id': messageId ?? '',
      'messaging.nats.delivery_count': deliveryCount,
    });
    await traced(`process ${event}`, SpanKind.CONSUMER, extractTraceHeaders(msg.headers), attributes, async (span) => {
      // Handlers pass this context on: what they send continues this span, under the producer's correlation id.
      const context: MessageContext = { correlationId: correlationIdOf(msg.headers), traceparent: traceparentOf() };
      const log = { event, durable: options.durable, messageId, deliveryCount, correlationId: context.correlationId };
      const parsed = EventSchemas[event].safeParse(safeJson(msg));
      if (!parsed.success) {
        // A malformed event never becomes valid by retrying it.
        failSpan(span, new Error('invalid payload'));
        await this.deadLetter(msg, options.durable, 'invalid payload', log, context);
        msg.term('invalid payload');
        return;
      }
      // Keep JetStream from redelivering while a slow handler is still working.
      const heartbeat = setInterval(() => msg.working(), Math.max(options.ackWaitMs / 2, 500));
      try {
        await this.options.around(context, () => handler(parsed.data as never, { ...context, deliveryCount, messageId }));
        msg.ack();
      } catch (error) {
        failSpan(span, error);
        if (deliveryCount >= options.maxDeliver) {
          await this.deadLetter(msg, options.durable, String((error as Error)?.message ?? error), log, context);
          msg.term('handler failed too often');
        } else {
          const delayMs = Math.min(250 * 2 ** (deliveryCount - 1), 10_000);
          this.logger.warn({ ...log, err: error, retryInMs: delayMs }, 'event handler failed; will retry');
          msg.nak(delayMs);
        }
      } finally {
        clearInterval(heartbeat);
      }
    });
  }

  /**
   * Stores the message in the dead-letter stream with where it came from, so it can be replayed to its original
   * subject once the cause is fixed. The original stays in its own stream too (limits retention), at that sequence.
   */
  private async deadLetter(msg: JsMsg, durable: string, reason: string, log: object, context: MessageContext): Promise<void> {
    const origin = { stream: msg.info.stream, sequence: msg.info.streamSequence };
    this.logger.error({ ...log, ...origin, reason }, 'event dead-lettered');
    const headers = toHeaders(context);
    // A replayed letter continues the trace of the delivery that gave up on it.
    injectTraceHeaders(otelContext.active(), headers);
    headers.set('x-dead-letter-reason', reason.slice(0, 200));
    headers.set('x-original-subject', msg.subject);
    headers.set('x-original-stream', origin.stream);
    headers.set('x-original-sequence', String(origin.sequence));
    const messageId = msg.headers?.get('Nats-Msg-Id');
    if (messageId) headers.set('x-original-message-id', messageId);
    try {
      await this.js.publish(DeadLetters.subject(this.options.namespace, durable), msg.data, {
        headers,
        // One letter per (consumer, message) even if this runs twice.
        msgID: `${durable}:${origin.stream}:${origin.sequence}`,
      });
    } catch (error) {
      this.logger.error({ ...log, ...origin, err: error }, 'dead letter could not be stored; the original is still in its stream');
    }
  }

  private track<T>(work: Promise<T>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /**
   * Graceful stop: no new commands or events are taken, in-flight handlers get up to `graceMs` to finish, and
   * anything unacknowledged after that is redelivered by JetStream to another replica.
   */
  async close(graceMs = 10_000): Promise<void> {
    if (this.nc.isClosed()) return;
    this.closing = true;
    for (const sub of this.subscriptions) sub.unsubscribe();
    for (const consumer of this.consumers) consumer.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.inFlight),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.flushSignals();
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/** Errors that are the system failing, as opposed to a caller's `not_found` or `validation_failed`. */
function isSystemFailure(error: unknown): boolean {
  return !(error instanceof AppError) || ['internal', 'timeout', 'unavailable'].includes(error.code);
}

function failSpan(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

/** A command's request, parsed against its schema: a malformed one is answered `validation_failed`, never handled. */
function parseCommand(command: CommandName, msg: Msg): unknown {
  let raw: unknown;
  try {
    raw = msg.data.length ? msg.json() : {};
  } catch {
    throw new AppError('validation_failed', `${command}: the request is not JSON`);
  }
  const parsed = CommandSchemas[command].safeParse(raw);
  if (!parsed.success) {
    throw new AppError('validation_failed', `${command}: malformed request`, {
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/**
 * Why a request got no reply, as the caller's error: nobody serves the command (503), nobody answered in time (504),
 * or the request could not be sent at all: larger than the server's max_payload (413), or not serialisable (a bug:
 * 500), which must not pass for a slow service.
 */
function requestFailure(command: CommandName, error: unknown): AppError {
  const described = [error, (error as { cause?: unknown })?.cause]
    .filter(Boolean)
    .map((e) => `${(e as { name?: string }).name ?? ''}: ${String(e)}`)
    .join(' / ');
  if (/NoRespondersError|no responders/i.test(described)) {
    return new AppError('unavailable', `No service is answering ${command} right now`);
  }
  if (/TimeoutError|timeout/i.test(described)) return new AppError('timeout', `${command} did not answer in time`);
  if (/max_payload/i.test(described)) {
    return new AppError('payload_too_large', `The ${command} request is larger than the message bus carries`);
  }
  return new AppError('internal', `${command} could not be sent (${described})`);
}
