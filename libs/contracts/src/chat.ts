import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { TurnView } from './session';

/** SPEC §8: longer messages are refused with 413. */
export const MAX_CHAT_MESSAGE_CHARS = 4000;
/** A stream can be resumed for at least 5 minutes after it ended (SPEC §8); its events live this long. */
export const CHAT_STREAM_TTL_SEC = 10 * 60;

/** `POST /api/chat/wait` and `/api/chat/streaming`; length and emptiness are checked apart to answer 413 and 422. */
export const ChatMessageSchema = z.object({
  sessionId: z.string().min(1).max(100),
  message: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/**
 * A reply stream is named by the AI turn it produces: `<sessionId>.<sequence>`. Anyone may guess one; only the
 * session's trainee may read it (the gateway checks ownership before replaying).
 */
export const chatStreamId = (sessionId: string, sequence: number) => `${sessionId}.${sequence}`;

export function parseChatStreamId(streamId: string): { sessionId: string; sequence: number } | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,6})$/i.exec(streamId);
  return match ? { sessionId: match[1]!, sequence: Number(match[2]) } : null;
}

/** The Redis stream holding a reply's events, written by the turn-pipeline (tokens) and the session service (done/error). */
export const chatStreamKey = (namespace: string, streamId: string) => `${namespace}:chat:${streamId}`;

/** Entries of a reply stream, in the order they happen; `done` or `error` is the last one. */
export type ChatStreamEntry =
  | { type: 'open' }
  | { type: 'token'; delta: string }
  | { type: 'done'; turn: TurnView }
  | { type: 'error'; error: ErrorBody };

/** What `chat.send` answers: the stored trainee message and the stream the reply arrives on. */
export interface ChatSendReply {
  turn: TurnView;
  streamId: string;
}

export interface ChatCommands {
  'session.chat.send': { request: { caller: import('./auth').Caller; sessionId: string; message: string }; reply: ChatSendReply };
  'session.chat.stream': { request: { caller: import('./auth').Caller; streamId: string }; reply: { sessionId: string } };
}
