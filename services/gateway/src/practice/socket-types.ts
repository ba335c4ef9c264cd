import type { Caller, ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import type { Namespace, Socket } from 'socket.io';

/** What the handshake leaves on each socket. */
export interface PracticeSocketData {
  caller: Caller;
}

/** Sockets may be addressed from other replicas (through the Redis adapter), so nothing is emitted between servers. */
type InterServerEvents = Record<string, never>;

export type PracticeNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, PracticeSocketData>;
export type PracticeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, PracticeSocketData>;
