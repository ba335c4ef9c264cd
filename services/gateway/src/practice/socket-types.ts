import type { Caller, ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { FrameBudget } from './realtime-frames';

/** What the handshake leaves on each socket. */
export interface PracticeSocketData {
  caller: Caller;
  /** Realtime sessions joined on this socket, with what stops following their events. */
  realtime: Map<string, () => void>;
  /** The socket's audio frame budget. */
  frames: FrameBudget;
  /** When the last frame error was sent (frame errors are rate limited). */
  lastFrameErrorAt?: number;
}

/** Sockets may be addressed from other replicas (through the Redis adapter), so nothing is emitted between servers. */
type InterServerEvents = Record<string, never>;

export type PracticeNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, PracticeSocketData>;
export type PracticeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, PracticeSocketData>;
