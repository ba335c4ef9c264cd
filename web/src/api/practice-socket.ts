import { PRACTICE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@parley/contracts';
import { io, type Socket } from 'socket.io-client';
import { reportUnauthorized, session } from './client';

export type PracticeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The practice namespace with the signed-in user's token. Websocket only: the ingress has no sticky sessions, which
 * HTTP long-polling would need (deploy/README.md). A handshake refused for the token (expired, revoked) sends the
 * page back to sign-in with the server's reason, as a 401 on REST does; other refusals are the room's to show.
 */
export function practiceSocket(): PracticeSocket {
  const socket: PracticeSocket = io(PRACTICE_NAMESPACE, { auth: { token: session.token() }, transports: ['websocket'] });
  socket.on('connect_error', (error) => {
    const refusal = (error as Error & { data?: { code?: string; message?: string } }).data;
    if (refusal?.code === 'unauthorized') {
      socket.close();
      reportUnauthorized(refusal.message ?? error.message);
    }
  });
  return socket;
}
