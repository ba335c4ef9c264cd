import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Consumers, Events } from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import { OpeningTurnService } from './opening-turn.service';

/** NATS adapter: every new session gets its opening turn. */
@Injectable()
export class SessionCreatedConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly opening: OpeningTurnService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consume(Consumers.PipelineStartsSessions, {
      [Events.SessionCreated]: (session) => {
        addLogFields({ sessionId: session.sessionId });
        return this.opening.enqueue(session);
      },
    });
  }
}
