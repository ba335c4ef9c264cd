import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Consumers, Events } from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import { TranscriptionService } from './transcription.service';

/** NATS adapter: every accepted trainee turn becomes one transcription job. */
@Injectable()
export class TurnAcceptedConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly transcription: TranscriptionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consume(Consumers.AsrTranscribesTurns, {
      [Events.TraineeTurnAccepted]: (turn) => {
        addLogFields({ sessionId: turn.sessionId, turnId: turn.turnId });
        return this.transcription.enqueue(turn);
      },
    });
  }
}
