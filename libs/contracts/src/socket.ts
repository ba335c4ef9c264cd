import type { ErrorBody } from './errors';
import type { RealtimeClientToServerEvents, RealtimeServerToClientEvents } from './realtime';
import type { SessionState, TerminationReason, TurnAck, TurnView } from './session';

/** Socket.io namespace of live practice sessions. */
export const PRACTICE_NAMESPACE = '/practice';

export type Ack<T> = (response: ({ ok: true } & T) | { ok: false; error: ErrorBody }) => void;

export interface JoinRequest {
  sessionId: string;
}

export interface TraineeTurnMessage {
  sessionId: string;
  sequence: number;
  startedAt: string;
  endedAt: string;
  /** MP3 bytes (a Buffer in Node, an ArrayBuffer or Uint8Array in the browser). */
  audio: ArrayBuffer | Uint8Array;
}

/** Events the browser sends; the server answers each through its ack (realtime frames and reports have none). */
export interface ClientToServerEvents extends RealtimeClientToServerEvents {
  join: (request: JoinRequest, ack: Ack<SessionState>) => void;
  trainee_turn: (turn: TraineeTurnMessage, ack: Ack<Omit<TurnAck, 'ok'>>) => void;
  stop: (request: JoinRequest, ack: Ack<object>) => void;
}

/** Events the server pushes to everyone who joined the session. */
export interface ServerToClientEvents extends RealtimeServerToClientEvents {
  ai_turn: (event: { sessionId: string; turn: TurnView }) => void;
  transcript: (event: { sessionId: string; turnId: string; sequence: number; text: string; status: 'done' | 'failed' }) => void;
  termination: (event: { sessionId: string; reason: TerminationReason; message: string }) => void;
  evaluation_ready: (event: { sessionId: string; status: 'succeeded' | 'failed' }) => void;
  error: (event: Pick<ErrorBody, 'code' | 'message' | 'retryable'>) => void;
}

/** The room a session's events are broadcast to. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
