import { Injectable } from '@nestjs/common';
import { AppError, Commands, Events, sessionRoom, terminationMessages, type EventPayload, type TurnView } from '@parley/contracts';
import { Bus, type MessageContext } from '@parley/bus';
import { addLogFields } from '@parley/observability';
import { PracticeGateway } from './practice.gateway';

/**
 * Turns durable events into socket pushes to the session's room. Whichever replica's consumer takes an event
 * emits it; the Redis adapter carries the emit to the replica that holds the socket. A client that is not
 * connected misses the push and catches up with the state it receives on `join`.
 */
@Injectable()
export class PracticePushes {
  constructor(
    private readonly gateway: PracticeGateway,
    private readonly bus: Bus,
  ) {}

  private room(sessionId: string) {
    addLogFields({ sessionId });
    return this.gateway.server.to(sessionRoom(sessionId));
  }

  sessionEnded(event: EventPayload<typeof Events.SessionEnded>): void {
    const { sessionId, reason } = event;
    this.room(sessionId).emit('termination', { sessionId, reason, message: terminationMessages[reason] });
  }

  /** Only AI turns are pushed: the trainee's own turns were acknowledged when they were sent. */
  async turnRecorded(event: EventPayload<typeof Events.TurnRecorded>, context: MessageContext): Promise<void> {
    addLogFields({ sessionId: event.sessionId, turnId: event.turnId });
    let turn: TurnView;
    try {
      // Fetched rather than carried in the event: the view holds a freshly signed audio URL.
      turn = await this.bus.request<TurnView>(
        Commands.TurnGet,
        { sessionId: event.sessionId, turnId: event.turnId },
        { correlationId: context.correlationId, traceparent: context.traceparent },
      );
    } catch (error) {
      // Deleted since: nothing to push, and retrying would not change that. Other failures are redelivered.
      if (error instanceof AppError && error.code === 'not_found') return;
      throw error;
    }
    if (turn.speaker !== 'ai') return;
    this.room(event.sessionId).emit('ai_turn', { sessionId: event.sessionId, turn });
  }

  transcribed(event: EventPayload<typeof Events.TurnTranscribed>): void {
    const { sessionId, turnId, sequence, text, status } = event;
    addLogFields({ turnId });
    this.room(sessionId).emit('transcript', { sessionId, turnId, sequence, text, status });
  }

  evaluationCompleted(event: EventPayload<typeof Events.EvaluationCompleted>): void {
    const { sessionId, status } = event;
    this.room(sessionId).emit('evaluation_ready', { sessionId, status });
  }
}
