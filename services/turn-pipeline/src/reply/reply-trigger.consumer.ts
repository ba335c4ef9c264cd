import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Consumers, Events } from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import { ReplyTurnService } from './reply-turn.service';

/**
 * NATS adapter: what makes the AI reply. A typed message (text mode) at once; a spoken turn normally the trainee turn's transcript (`TurnTranscribed`, done or
 * failed: a failed transcription still gets an answer); with a speech-to-speech model the accepted turn itself.
 */
@Injectable()
export class ReplyTriggerConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly replies: ReplyTurnService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consume(Consumers.PipelineRepliesToMessages, {
      [Events.TraineeMessageAccepted]: (message) => {
        addLogFields({ sessionId: message.sessionId, turnId: message.turnId });
        return this.replies.enqueue(message);
      },
    });
    if (this.replies.fromAudio) {
      await this.bus.consume(Consumers.PipelineRepliesToAudio, {
        [Events.TraineeTurnAccepted]: (turn) => {
          addLogFields({ sessionId: turn.sessionId, turnId: turn.turnId });
          return this.replies.enqueue(turn);
        },
      });
      return;
    }
    await this.bus.consume(Consumers.PipelineRepliesToTurns, {
      [Events.TurnTranscribed]: (transcript) => {
        addLogFields({ sessionId: transcript.sessionId, turnId: transcript.turnId });
        // The event does not carry the acceptance time; the transcript latency measured from it gives it back.
        return this.replies.enqueue({ sessionId: transcript.sessionId, sequence: transcript.sequence, acceptedAt: transcript.acceptedAt });
      },
    });
  }
}
