import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Consumers, Events } from '@parley/contracts';
import { PracticePushes } from './practice-pushes.service';

/**
 * The gateway's durable consumers. Every replica joins the same durables, so each event is pushed once; they
 * start after the socket server exists (bootstrap runs after the gateways are bound). Each handler passes the event's
 * message id on, so a redelivered event is not pushed twice (see {@link PracticePushes}).
 */
@Injectable()
export class PushConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly pushes: PracticePushes,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consume(
      Consumers.GatewayPushesSessionEvents,
      {
        [Events.SessionEnded]: async (event, meta) => this.pushes.sessionEnded(event, meta),
        [Events.TurnRecorded]: (event, meta) => this.pushes.turnRecorded(event, meta),
        // Clients learn status from their acks, terminations and `join`; nothing to push.
        [Events.SessionStatusChanged]: async () => undefined,
      },
      // Turn pushes wait on a TurnGet round trip; allow more in flight than the default.
      { concurrency: 16 },
    );
    await this.bus.consume(Consumers.GatewayPushesTranscripts, {
      [Events.TurnTranscribed]: async (event, meta) => this.pushes.transcribed(event, meta),
    });
    await this.bus.consume(Consumers.GatewayPushesEvaluations, {
      [Events.EvaluationCompleted]: async (event, meta) => this.pushes.evaluationCompleted(event, meta),
    });
  }
}
