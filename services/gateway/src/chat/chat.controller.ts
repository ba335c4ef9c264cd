import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UsePipes } from '@nestjs/common';
import { Bus } from '@parley/bus';
import {
  AppError,
  ChatMessageSchema,
  Commands,
  MAX_CHAT_MESSAGE_CHARS,
  parseOrThrow,
  type Caller,
  type ChatSendReply,
  type TurnView,
} from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard';
import { toAppError } from '../errors/app-error.filter';
import { UntrustedInputPipe } from '../errors/untrusted-input';
import { CommandContext } from '../request-context';
import { requireSessionId } from '../sessions/session-id';
import { ChatStreamReader, type StreamItem } from './chat-stream.reader';

/** Comments every so often keep idle proxies from closing a slow stream. */
const HEARTBEAT_MS = 15_000;
/** A reply that sends nothing for this long is reported as timed out (providers time out well before). */
const REPLY_IDLE_TIMEOUT_MS = 120_000;
/** The id of the first event, `stream`: resuming after it replays every token. */
const STREAM_EVENT_ID = '0';

/**
 * Text practice (SPEC §8): a message and its reply, whole (`/chat/wait`) or streamed as server-sent events
 * (`/chat/streaming`), resumable from any gateway replica with `Last-Event-ID`. The reply's events live in a Redis
 * stream written by the workers, so a client that drops the connection loses nothing: the reply goes on and is stored.
 */
@Controller('chat')
@UsePipes(UntrustedInputPipe)
export class ChatController {
  constructor(
    private readonly bus: Bus,
    private readonly commandContext: CommandContext,
    private readonly streams: ChatStreamReader,
  ) {}

  @Post('wait')
  @HttpCode(200)
  async wait(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ turns: [TurnView, TurnView] }> {
    const sent = await this.send(caller, body);
    const closed = abortedWhenClosed(response);
    for await (const { entry } of this.streams.entries(sent.streamId, STREAM_EVENT_ID, closed, REPLY_IDLE_TIMEOUT_MS)) {
      if (entry.type === 'done') return { turns: [sent.turn, entry.turn] };
      if (entry.type === 'error') throw AppError.fromBody(entry.error);
    }
    throw new AppError('unavailable', 'The connection closed before the reply was complete');
  }

  @Post('streaming')
  async streaming(@CurrentCaller() caller: Caller, @Body() body: unknown, @Res() response: Response): Promise<void> {
    const sent = await this.send(caller, body);
    openEventStream(response, sent.streamId);
    writeEvent(response, STREAM_EVENT_ID, 'stream', { streamId: sent.streamId });
    await this.relay(sent.streamId, STREAM_EVENT_ID, response);
  }

  /** Resumes a stream: exactly the events after `Last-Event-ID` (all of them without one), then live. */
  @Get('streaming/:streamId')
  async resume(
    @CurrentCaller() caller: Caller,
    @Param('streamId') streamId: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.bus.request(Commands.ChatStream, { caller, streamId }, this.commandContext.current());
    if (!(await this.streams.exists(streamId))) throw new AppError('not_found', 'No such stream, or it expired');
    const after = lastEventId?.trim() || null;
    if (after !== null && after !== STREAM_EVENT_ID && !/^\d+-\d+$/.test(after)) {
      throw new AppError('validation_failed', 'Last-Event-ID must be an id this stream sent');
    }
    openEventStream(response, streamId);
    if (after === null) writeEvent(response, STREAM_EVENT_ID, 'stream', { streamId });
    await this.relay(streamId, after ?? STREAM_EVENT_ID, response);
  }

  private async send(caller: Caller, body: unknown): Promise<ChatSendReply> {
    const { sessionId, message } = parseOrThrow(ChatMessageSchema, body ?? {}, 'message');
    // Checked here too so an oversized message never travels further than the edge.
    if (message.length > MAX_CHAT_MESSAGE_CHARS) {
      throw new AppError('payload_too_large', `A message may have at most ${MAX_CHAT_MESSAGE_CHARS} characters; shorten it or send it in parts`);
    }
    if (!message.trim()) throw new AppError('validation_failed', 'The message is empty', { issues: [{ path: 'message', message: 'type something' }] });
    const id = requireSessionId(sessionId);
    addLogFields({ sessionId: id });
    return this.bus.request<ChatSendReply>(Commands.ChatSend, { caller, sessionId: id, message }, this.commandContext.current());
  }

  /** Copies stream entries to the client as SSE until the reply ends or the client leaves (the reply goes on). */
  private async relay(streamId: string, afterId: string, response: Response): Promise<void> {
    const closed = abortedWhenClosed(response);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      for await (const item of this.streams.entries(streamId, afterId, closed, REPLY_IDLE_TIMEOUT_MS)) writeItem(response, item);
    } catch (error) {
      if (!closed.aborted) writeEvent(response, 'failed', 'error', toAppError(error).toJSON());
    } finally {
      clearInterval(heartbeat);
      response.end();
    }
  }
}

function openEventStream(response: Response, streamId: string): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  // Proxies such as nginx would otherwise buffer the stream.
  response.setHeader('X-Accel-Buffering', 'no');
  response.setHeader('X-Stream-Id', streamId);
  response.flushHeaders();
}

function writeItem(response: Response, { id, entry }: StreamItem): void {
  if (entry.type === 'token') writeEvent(response, id, 'token', { delta: entry.delta });
  else if (entry.type === 'done') writeEvent(response, id, 'done', entry.turn);
  else if (entry.type === 'error') writeEvent(response, id, 'error', entry.error);
}

function writeEvent(response: Response, id: string, event: string, data: unknown): void {
  response.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Aborts when the response is over: sent, or the client went away. */
function abortedWhenClosed(response: Response): AbortSignal {
  const controller = new AbortController();
  response.on('close', () => controller.abort());
  return controller.signal;
}
