import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { AppError, Commands, Events, PRACTICE_NAMESPACE, sessionRoom, terminationMessages, type EventPayload, type TurnView } from '@parley/contracts';
import { Bus, type MessageContext } from '@parley/bus';
import { SpanKind, addLogFields, inSpan } from '@parley/observability';
import IORedis, { type Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { PracticeGateway } from './practice.gateway';

/** How long a pushed event's message id is remembered: far longer than any redelivery. */
const PUSHED_TTL_SEC = 24 * 3600;

/** What a push handler knows about the event message it pushes (the consumer's `meta`). */
export type PushMeta = Partial<Pick<MessageContext, 'correlationId' | 'traceparent'>> & { messageId?: string; deliveryCount?: number };

/**
 * A push for a room with no socket in it is held (the event redelivered with backoff: 0.25 + 0.5 + 1 + 2 s) up to
 * this delivery, then pushed regardless: a client whose gateway just restarted is back in its room by then.
 */
const HOLD_UNTIL_DELIVERY = 5;

/** Thrown to have JetStream deliver the event again once the session's socket has rejoined. */
export class RoomEmptyError extends Error {}

/**
 * Turns durable events into socket pushes to the session's room. Whichever replica's consumer takes an event
 * emits it; the Redis adapter carries the emit to the replica that holds the socket. A client that is not
 * connected misses the push and catches up with the state it receives on `join`.
 *
 * Exactly once at the socket: JetStream may deliver an event again (a gateway that died after emitting but before
 * acknowledging), so each push first claims its event's message id in Redis (`SET NX EX`, per namespace); a
 * redelivered event finds the claim and is acknowledged without a second emit. Should Redis not answer, the push
 * goes out unclaimed: a rare duplicate is better than a lost push.
 *
 * Not missed across a gateway restart: a push whose room has no socket yet (its client is reconnecting to the
 * restarted gateway, or the consumer started before the client rejoined) is held for a few seconds through
 * JetStream redelivery, then pushed regardless; `join` returns the full state for anything older.
 */
@Injectable()
export class PracticePushes implements OnApplicationShutdown {
  private readonly logger = new Logger(PracticePushes.name);
  private readonly redis: Redis | null;
  private readonly keyPrefix: string;

  constructor(
    private readonly gateway: PracticeGateway,
    private readonly bus: Bus,
    @Optional() @Inject(GATEWAY_CONFIG) config?: Pick<GatewayConfig, 'REDIS_URL' | 'PARLEY_NAMESPACE'>,
  ) {
    this.redis = config ? new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 2_000 }) : null;
    this.redis?.on('error', () => undefined); // readiness reports Redis; pushes fall back to unclaimed
    this.keyPrefix = `${config?.PARLEY_NAMESPACE ?? 'parley'}:pushed:`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  /** Emits unless this event message was pushed before (synchronously when there is nothing to claim). */
  private once(meta: PushMeta | undefined, pushed: string, emitToRoom: () => void, sessionId?: string): void | Promise<void> {
    // The push is a span of its own under the consumer of the event it pushes, so the trace reaches the socket.
    const emit = () => void inSpan(`push ${pushed}`, { kind: SpanKind.PRODUCER, attributes: pushAttributes(pushed, sessionId) }, async () => emitToRoom());
    if (!this.redis || !meta?.messageId) return emit();
    if (sessionId && (meta.deliveryCount ?? HOLD_UNTIL_DELIVERY) < HOLD_UNTIL_DELIVERY) {
      return this.roomHasSockets(sessionId).then((present) => {
        if (!present) throw new RoomEmptyError(`no socket in the room of ${sessionId} yet; pushing again shortly`);
        return this.once({ ...meta, deliveryCount: HOLD_UNTIL_DELIVERY }, pushed, emitToRoom, sessionId);
      });
    }
    const messageId = meta.messageId;
    return this.redis.set(`${this.keyPrefix}${messageId}`, '1', 'EX', PUSHED_TTL_SEC, 'NX').then(
      (claimed) => {
        if (claimed === 'OK') emit();
      },
      (error: Error) => {
        this.logger.warn({ messageId, err: error.message }, 'push not claimed (Redis); pushing anyway');
        emit();
      },
    );
  }

  /** Whether any replica holds a socket in the session's room (a failed lookup counts as yes: push now). */
  private async roomHasSockets(sessionId: string): Promise<boolean> {
    try {
      return (await this.gateway.server.in(sessionRoom(sessionId)).fetchSockets()).length > 0;
    } catch {
      return true;
    }
  }

  private room(sessionId: string) {
    addLogFields({ sessionId });
    return this.gateway.server.to(sessionRoom(sessionId));
  }

  sessionEnded(event: EventPayload<typeof Events.SessionEnded>, meta?: PushMeta): void | Promise<void> {
    const { sessionId, reason } = event;
    return this.once(meta, 'termination', () => this.room(sessionId).emit('termination', { sessionId, reason, message: terminationMessages[reason] }), sessionId);
  }

  /**
   * Only AI turns are pushed: the trainee's own turns were acknowledged when they were sent, and a realtime
   * conversation pushes each turn it stores itself (`turn_stored`).
   */
  async turnRecorded(event: EventPayload<typeof Events.TurnRecorded>, context: MessageContext & { messageId?: string }): Promise<void> {
    addLogFields({ sessionId: event.sessionId, turnId: event.turnId });
    if (event.speaker === 'trainee' || event.mode === 'realtime') return;
    let turn: TurnView;
    try {
      // Fetched rather than carried in the event: the view holds a freshly signed audio URL.
      turn = await this.bus.request<TurnView>(Commands.TurnGet, { sessionId: event.sessionId, turnId: event.turnId }, context);
    } catch (error) {
      // Deleted since: nothing to push, and retrying would not change that. Other failures are redelivered.
      if (error instanceof AppError && error.code === 'not_found') return;
      throw error;
    }
    if (turn.speaker !== 'ai') return;
    // Claimed only now: a failed TurnGet is redelivered and must still be able to push.
    await this.once(context, 'ai_turn', () => this.room(event.sessionId).emit('ai_turn', { sessionId: event.sessionId, turn }), event.sessionId);
  }

  transcribed(event: EventPayload<typeof Events.TurnTranscribed>, meta?: PushMeta): void | Promise<void> {
    const { sessionId, turnId, sequence, text, status } = event;
    addLogFields({ turnId });
    return this.once(meta, 'transcript', () => this.room(sessionId).emit('transcript', { sessionId, turnId, sequence, text, status }), sessionId);
  }

  evaluationCompleted(event: EventPayload<typeof Events.EvaluationCompleted>, meta?: PushMeta): void | Promise<void> {
    const { sessionId, status } = event;
    return this.once(meta, 'evaluation_ready', () => this.room(sessionId).emit('evaluation_ready', { sessionId, status }), sessionId);
  }
}

function pushAttributes(pushed: string, sessionId: string | undefined) {
  return { 'messaging.system': 'socket.io', 'messaging.destination.name': PRACTICE_NAMESPACE, 'socket.io.event': pushed, 'parley.session_id': sessionId ?? '' };
}
