import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { currentLogFields } from '@parley/observability';
import { traceparentOf } from './trace-context';

/** What rides along with every command and event so logs and traces across services can be joined. */
export interface MessageContext {
  correlationId: string;
  /** W3C traceparent of the span the message belongs to, when there is one. */
  traceparent?: string;
}

const CORRELATION = 'x-correlation-id';

/**
 * The context of the work in progress: the correlation id of the request, command, event or job being handled (a
 * new one only where nothing is being handled) and the active span. What is given explicitly wins.
 */
export function newContext(partial: Partial<MessageContext> = {}): MessageContext {
  return {
    correlationId: partial.correlationId ?? currentLogFields().correlationId ?? randomUUID(),
    traceparent: partial.traceparent ?? traceparentOf(),
  };
}

/** Writes the correlation id into NATS headers (the trace context is injected by the bus's spans). */
export function toHeaders(context: Pick<MessageContext, 'correlationId'>, extra: MsgHdrs = natsHeaders()): MsgHdrs {
  extra.set(CORRELATION, context.correlationId);
  return extra;
}

/** The correlation id a message arrived with (a new one for a message sent without). */
export function correlationIdOf(h: MsgHdrs | undefined): string {
  return h?.get(CORRELATION) || randomUUID();
}
