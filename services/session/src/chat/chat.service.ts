import { Injectable } from '@nestjs/common';
import {
  AppError,
  Events,
  MAX_CHAT_MESSAGE_CHARS,
  chatStreamId,
  type Caller,
  type ChatSendReply,
} from '@parley/contracts';
import { Outbox } from '@parley/outbox';
import { randomUUID } from 'node:crypto';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { isOpen } from '../sessions/session-state-machine';
import { turnView } from '../sessions/session-views';
import { SessionTimers } from '../timers/session-timers.service';
import { ChatStreams } from './chat-streams';

/**
 * Text practice (SPEC §8): a typed message is a trainee turn like a spoken one. It is stored with its announcement
 * (the turn-pipeline streams the reply), and the reply's stream is opened so a client can read it from any gateway.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly outbox: Outbox,
    private readonly lifecycle: SessionLifecycle,
    private readonly timers: SessionTimers,
    private readonly streams: ChatStreams,
  ) {}

  async send(caller: Caller, sessionId: string, message: string): Promise<ChatSendReply> {
    const session = await this.lifecycle.owned(caller, sessionId);
    if (session.mode !== 'text') {
      throw new AppError('conflict', `This is a ${session.mode} practice; messages are for text practice`);
    }
    const text = message.trim();
    if (text.length > MAX_CHAT_MESSAGE_CHARS) {
      throw new AppError('payload_too_large', `A message may have at most ${MAX_CHAT_MESSAGE_CHARS} characters; shorten it or send it in parts`);
    }
    if (!text) throw new AppError('validation_failed', 'The message is empty', { issues: [{ path: 'message', message: 'type something' }] });
    if (!isOpen(session.status)) throw new AppError('session_ended', 'This practice has ended; start a new one to continue');
    // Turns alternate from the AI's opening (0): while the next sequence is even, the AI has not answered yet.
    if (session.nextSequence % 2 === 0) {
      throw new AppError(
        'conflict',
        session.nextSequence === 0 ? 'The AI is about to open the conversation; wait for it' : 'The AI is still replying; wait for its answer',
      );
    }
    const sequence = session.nextSequence;
    const content = await this.lifecycle.scenarioVersion(session);
    const now = new Date();
    const idleAt = new Date(now.getTime() + content.endCriteria.idleTimeoutSec * 1000);
    const streamId = chatStreamId(session.id, sequence + 1);
    const turnId = randomUUID();
    const turn = await this.outbox.transaction(async (tx, out) => {
      // Claims the sequence: of two racing messages only one passes this conditional update (the other gets 409).
      const claimed = await tx.practiceSession.updateMany({
        where: { id: session.id, nextSequence: sequence, status: { in: ['pending', 'active'] } },
        data: { nextSequence: sequence + 1, traineeTurnCount: { increment: 1 }, lastActivityAt: now, idleAt },
      });
      if (claimed.count === 0) throw new AppError('conflict', 'Another message was just sent; wait for the AI to answer it');
      const row = await tx.turn.create({
        data: {
          id: turnId,
          sessionId: session.id,
          sequence,
          speaker: 'trainee',
          text,
          startedAt: now,
          endedAt: now,
          transcriptionStatus: 'done',
        },
      });
      await this.timers.armIdle(out, session.id, idleAt);
      await out.event(
        Events.TraineeMessageAccepted,
        { sessionId: session.id, turnId, sequence, acceptedAt: now.getTime(), streamId },
        `message-accepted-${turnId}`,
      );
      return row;
    });
    await this.streams.append(streamId, { type: 'open' });
    await this.timers.disarmIdle(session.id, session.idleAt, idleAt);
    return { turn: turnView(turn, null), streamId };
  }

  /** Whether the caller may read a reply stream: it names one of their own sessions. */
  async streamOwner(caller: Caller, sessionId: string): Promise<{ sessionId: string }> {
    const session = await this.lifecycle.owned(caller, sessionId);
    return { sessionId: session.id };
  }
}
