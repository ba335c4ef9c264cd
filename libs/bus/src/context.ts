import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';

/** What rides along with every command and event so logs across services can be joined. */
export interface MessageContext {
  correlationId: string;
  /** W3C traceparent, when the caller had one. */
  traceparent?: string;
}

const CORRELATION = 'x-correlation-id';
const TRACEPARENT = 'traceparent';

export function newContext(partial: Partial<MessageContext> = {}): MessageContext {
  return { correlationId: partial.correlationId ?? randomUUID(), traceparent: partial.traceparent };
}

export function toHeaders(context: MessageContext, extra: MsgHdrs = natsHeaders()): MsgHdrs {
  extra.set(CORRELATION, context.correlationId);
  if (context.traceparent) extra.set(TRACEPARENT, context.traceparent);
  return extra;
}

export function fromHeaders(h: MsgHdrs | undefined): MessageContext {
  return newContext({ correlationId: h?.get(CORRELATION) || undefined, traceparent: h?.get(TRACEPARENT) || undefined });
}
