import { Logger } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { Bus, newContext, type MessageContext } from '@parley/bus';
import {
  AppError,
  Commands,
  InterruptSchema,
  PRACTICE_NAMESPACE,
  PlaybackSchema,
  RealtimeSubjects,
  RtStartSchema,
  UpdateSettingsSchema,
  parseOrThrow,
  type RtControl,
  type RtControlReply,
  sessionRoom,
  type Caller,
  type ClientToServerEvents,
  type ErrorBody,
  type SessionCommands,
  type SessionState,
  type SessionView,
  type TurnAck,
} from '@parley/contracts';
import { Metrics, SpanKind, addLogFields, failSpan, inSpan, withLogContext } from '@parley/observability';
import type { Counter, Gauge } from 'prom-client';
import { TokenService } from '../auth/token.service';
import { toAppError } from '../errors/app-error.filter';
import { checkUntrustedInput } from '../errors/untrusted-input';
import { SocketRateLimiter } from '../rate-limit';
import { requireSessionId } from '../sessions/session-id';
import { turnAudioBytes } from '../sessions/turn-audio';
import { FrameBudget, parseFrame } from './realtime-frames';
import { RealtimeRelay } from './realtime-relay.service';
import { socketAuthMiddleware } from './socket-auth';
import type { z } from 'zod';
import type { PracticeNamespace, PracticeSocket } from './socket-types';

type EventName = keyof ClientToServerEvents;
/** What a handler resolves to is acked as `{ok: true, ...result}`. */
type EventHandler = (payload: unknown, caller: Caller, socket: PracticeSocket, context: MessageContext) => Promise<object>;
type AckResponse = ({ ok: true } & object) | { ok: false; error: ErrorBody };
type AckFn = (response: AckResponse) => void;

/** Reads the object payload of an event and its session id; malformed → 422, a non-UUID id → 404. */
export function sessionPayload(payload: unknown): { sessionId: string; body: Record<string, unknown> } {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AppError('validation_failed', 'Send an object with the sessionId', {
      issues: [{ path: '(root)', message: 'expected an object' }],
    });
  }
  const body = payload as Record<string, unknown>;
  checkUntrustedInput(body);
  if (typeof body.sessionId !== 'string' || !body.sessionId) {
    throw new AppError('validation_failed', 'sessionId is required', {
      issues: [{ path: 'sessionId', message: 'expected the session id' }],
    });
  }
  const sessionId = requireSessionId(body.sessionId);
  addLogFields({ sessionId });
  return { sessionId, body };
}

/**
 * The live edge of a practice session: socket.io namespace `/practice` on the gateway's HTTP server. Every event
 * is answered through its ack, `{ok: true, ...}` or `{ok: false, error}`; a client that sent no ack gets failures
 * as an `error` event. Nothing thrown ever escapes a handler. Pushes (AI turns, transcripts, terminations,
 * evaluations) go to the session's room from {@link PracticePushes}.
 */
@WebSocketGateway({ namespace: PRACTICE_NAMESPACE })
export class PracticeGateway implements OnGatewayInit<PracticeNamespace>, OnGatewayConnection<PracticeSocket> {
  @WebSocketServer() server!: PracticeNamespace;

  private readonly logger = new Logger('practice');
  private readonly connections: Gauge;
  private readonly events: Counter;
  private readonly handlers: Record<Exclude<EventName, 'audio_frame'>, EventHandler> = {
    join: (payload, caller, socket, context) => this.join(payload, caller, socket, context),
    trainee_turn: (payload, caller, _socket, context) => this.traineeTurn(payload, caller, context),
    stop: (payload, caller, _socket, context) => this.stop(payload, caller, context),
    rt_start: (payload, caller, socket, context) => this.rtStart(payload, caller, socket, context),
    playback: (payload, caller, socket, context) =>
      this.rtControl(socket, caller, context, PlaybackSchema, payload, (m) => ({ type: 'playback', turnId: m.turnId, playedMs: m.playedMs })),
    interrupt: (payload, caller, socket, context) => this.rtControl(socket, caller, context, InterruptSchema, payload, () => ({ type: 'interrupt' })),
    update_settings: (payload, caller, socket, context) =>
      this.rtControl(socket, caller, context, UpdateSettingsSchema, payload, (m) => ({ type: 'update_settings', settings: m.settings })),
  };

  constructor(
    private readonly bus: Bus,
    private readonly tokens: TokenService,
    private readonly limiter: SocketRateLimiter,
    private readonly relay: RealtimeRelay,
    metrics: Metrics,
  ) {
    this.connections = metrics.gauge('socket_connections', 'Practice sockets connected to this gateway replica');
    this.events = metrics.counter('socket_events_total', 'Practice socket events by outcome', ['event', 'outcome']);
  }

  afterInit(namespace: PracticeNamespace): void {
    namespace.use(
      socketAuthMiddleware(
        (token) => this.tokens.verify(token),
        (caller) => this.limiter.connection(caller),
      ),
    );
  }

  handleConnection(socket: PracticeSocket): void {
    this.connections.inc();
    socket.data.realtime = new Map();
    socket.data.frames = new FrameBudget();
    socket.once('disconnect', () => {
      this.connections.dec();
      this.leaveRealtime(socket);
    });
    for (const event of Object.keys(this.handlers) as (keyof typeof this.handlers)[]) {
      // Arguments are untrusted: typed as unknown here, checked by each handler.
      socket.on(event, (...args: unknown[]) => this.dispatch(socket, event, args));
    }
    // Frames have no ack and arrive up to 100 times a second: a path of their own, without Redis or schemas.
    socket.on('audio_frame', (payload: unknown) => this.frame(socket, payload));
    // Every event but frames is counted before any handler runs, unknown ones included (socket.use sees every
    // event; onAny listeners would run before it). Over the limit, or unknown: answered here, going no further.
    socket.use(([event, ...args], next) => {
      if (event === 'audio_frame') return next();
      const ack = lastFunction(args);
      this.limiter.event(socket.data.caller, socket.id).then(
        () => {
          if (Object.hasOwn(this.handlers, event)) return next();
          this.respond(socket, String(event), ack, {
            ok: false,
            error: new AppError('validation_failed', `Unknown event ${String(event).slice(0, 40)}`).toJSON(),
          });
        },
        (error: unknown) => this.respond(socket, String(event), ack, { ok: false, error: toAppError(error).toJSON() }),
      );
    });
  }

  /** One event (already counted): run the handler in its own log context, answer through the ack (or `error`). */
  private dispatch(socket: PracticeSocket, event: keyof typeof this.handlers, args: unknown[]): void {
    const ack = lastFunction(args);
    const payload = args[0] === ack ? undefined : args[0];
    const caller = socket.data.caller;
    // Each event starts a trace (the commands it sends continue it) and its own correlation id.
    const attributes = { 'messaging.system': 'socket.io', 'messaging.destination.name': PRACTICE_NAMESPACE, 'socket.io.event': event };
    void inSpan(`socket ${event}`, { kind: SpanKind.SERVER, attributes }, (span) => {
      const context = newContext();
      span.setAttribute('parley.correlation_id', context.correlationId);
      return withLogContext({ correlationId: context.correlationId, userId: caller.userId }, async () => {
        let response: AckResponse;
        try {
          const result = await this.handlers[event](payload, caller, socket, context);
          response = { ok: true, ...result };
        } catch (error) {
          const appError = toAppError(error);
          // The payload is never logged: it may carry audio.
          if (appError.code === 'internal') {
            this.logger.error({ err: error, event }, 'socket event failed');
            failSpan(span, error);
          }
          span.setAttribute('parley.error.code', appError.code);
          response = { ok: false, error: appError.toJSON() };
        }
        this.respond(socket, event, ack, response);
      });
    });
  }

  private respond(socket: PracticeSocket, event: string, ack: AckFn | undefined, response: AckResponse): void {
    this.events.inc({ event: Object.hasOwn(this.handlers, event) ? event : 'unknown', outcome: response.ok ? 'ok' : response.error.code });
    try {
      if (ack) ack(response);
      else if (!response.ok) {
        const { code, message, retryable } = response.error;
        socket.emit('error', { code, message, retryable });
      }
    } catch (error) {
      this.logger.warn({ err: error, event }, 'could not answer a socket event');
    }
  }

  private async join(payload: unknown, caller: Caller, socket: PracticeSocket, context: MessageContext): Promise<SessionState> {
    const { sessionId } = sessionPayload(payload);
    // The session service answers 404 for someone else's session, so only the owner ever joins the room.
    const first = await this.bus.request<SessionState>(Commands.SessionGet, { caller, sessionId }, context);
    await socket.join(sessionRoom(sessionId));
    if (first.session.mode === 'realtime' && !socket.data.realtime.has(sessionId)) {
      socket.data.realtime.set(sessionId, this.relay.follow(this.server, sessionId));
      // Back in time: the session does not end for a client that left.
      await this.bus.request(Commands.RtPresence, { caller, sessionId, present: true }, context);
    }
    // Read again once in the room: a turn recorded between the first read and the join was pushed to a room this
    // socket was not in yet, and would otherwise be lost (the client dedupes turns by id).
    return this.bus.request<SessionState>(Commands.SessionGet, { caller, sessionId }, context);
  }

  /** The session must have been joined on this socket, as a realtime session. */
  private async realtimeSession(socket: PracticeSocket, caller: Caller, payload: unknown, context?: MessageContext): Promise<string> {
    const { sessionId } = sessionPayload(payload);
    if (!socket.data.realtime.has(sessionId)) throw await this.notJoined(caller, sessionId, context);
    return sessionId;
  }

  /**
   * Why a session is not joined on this socket: someone else's (or none) is a 404 as everywhere (SPEC §10), the
   * trainee's own a 409. Only asked on this error path, so joined sessions cost no lookup.
   */
  private async notJoined(caller: Caller, sessionId: string, context?: MessageContext): Promise<AppError> {
    await this.bus.request<SessionState>(Commands.SessionGet, { caller, sessionId }, context);
    return new AppError('conflict', 'Join the realtime session on this connection first');
  }

  private async rtStart(payload: unknown, caller: Caller, socket: PracticeSocket, context: MessageContext): Promise<RtControlReply> {
    const sessionId = await this.realtimeSession(socket, caller, payload, context);
    const request = parseOrThrow(RtStartSchema, payload, 'rt_start');
    return this.bus.request<RtControlReply>(
      Commands.RtStart,
      { caller, sessionId, engine: request.engine, settings: request.settings },
      context,
    );
  }

  private async rtControl<S extends z.ZodType>(
    socket: PracticeSocket,
    caller: Caller,
    context: MessageContext,
    schema: S,
    payload: unknown,
    control: (message: z.output<S>) => RtControl,
  ): Promise<object> {
    const sessionId = await this.realtimeSession(socket, caller, payload, context);
    const message = parseOrThrow(schema, payload, 'realtime event');
    const reply = await this.bus.ask<RtControlReply>(RealtimeSubjects.control(sessionId), control(message), 2_000).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'unavailable') {
        throw new AppError('unavailable', 'The conversation is not running; send rt_start to (re)start it');
      }
      throw error;
    });
    return { settings: reply.settings, state: reply.state };
  }

  /** A frame goes straight to the session's conversation owner; a bad one gets an `error` (at most one a second). */
  private frame(socket: PracticeSocket, payload: unknown): void {
    let unjoined: string | undefined;
    try {
      socket.data.frames.take();
      const frame = parseFrame(payload);
      if (!socket.data.realtime.has(frame.sessionId)) {
        unjoined = frame.sessionId;
        throw new AppError('conflict', 'Join the realtime session on this connection first');
      }
      this.bus.signalBytes(RealtimeSubjects.frames(frame.sessionId), frame.wire);
    } catch (error) {
      const appError = toAppError(error);
      this.events.inc({ event: 'audio_frame', outcome: appError.code });
      const now = Date.now();
      if (now - (socket.data.lastFrameErrorAt ?? 0) < 1_000) return;
      socket.data.lastFrameErrorAt = now;
      const emit = (e: AppError) => socket.emit('error', { code: e.code, message: e.message, retryable: e.retryable });
      // The ownership lookup runs at most once a second per socket, like the error it decides.
      if (unjoined) void this.notJoined(socket.data.caller, unjoined).then(emit, (e: unknown) => emit(toAppError(e)));
      else emit(appError);
    }
  }

  /** The socket left: stop following its realtime sessions; the last of the trainee's sockets here reports absence. */
  private leaveRealtime(socket: PracticeSocket): void {
    for (const [sessionId, unfollow] of socket.data.realtime) {
      unfollow();
      if (this.relay.followers(sessionId) > 0) continue;
      void this.reportAbsence(socket, sessionId);
    }
    socket.data.realtime.clear();
  }

  /**
   * The trainee left unless a socket of theirs is still in the session's room on another gateway replica (the room
   * is only ever joined by the owner). When the replicas cannot be asked, the absence is reported: the rejoin grace
   * still lets a connected client carry on by joining again.
   */
  private async reportAbsence(socket: PracticeSocket, sessionId: string): Promise<void> {
    try {
      const elsewhere = await this.server.in(sessionRoom(sessionId)).fetchSockets();
      if (elsewhere.some((other) => other.id !== socket.id)) return;
    } catch (err) {
      this.logger.warn({ sessionId, err: (err as Error).message }, 'could not ask the other gateways who is in the room');
    }
    await this.bus
      .request(Commands.RtPresence, { caller: socket.data.caller, sessionId, present: false })
      .catch((err: unknown) => this.logger.warn({ sessionId, err: (err as Error).message }, 'absence not reported'));
  }

  private async traineeTurn(payload: unknown, caller: Caller, context: MessageContext): Promise<Omit<TurnAck, 'ok'>> {
    const { sessionId, body } = sessionPayload(payload);
    const audio = turnAudioBytes(body.audio);
    const request: SessionCommands['session.turn.submit']['request'] = {
      caller,
      sessionId,
      meta: { sequence: body.sequence, startedAt: body.startedAt, endedAt: body.endedAt },
      audioBase64: audio.toString('base64'),
    };
    const ack = await this.bus.request<TurnAck>(Commands.TurnSubmit, request, context);
    return { turnId: ack.turnId, sequence: ack.sequence };
  }

  private async stop(payload: unknown, caller: Caller, context: MessageContext): Promise<Record<string, never>> {
    const { sessionId } = sessionPayload(payload);
    await this.bus.request<SessionView>(Commands.SessionStop, { caller, sessionId }, context);
    // The termination itself reaches the room as a push, like any other ending.
    return {};
  }
}

function lastFunction(args: unknown[]): AckFn | undefined {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as AckFn) : undefined;
}
