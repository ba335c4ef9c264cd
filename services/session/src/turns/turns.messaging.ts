import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, Consumers, Events, type CommandRequest } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { withSession } from '../sessions/session.commands';
import { TurnsService } from './turns.service';

/** NATS adapters of turns: submission and lookup commands, and the workers' transcripts and replies. */
@Injectable()
export class TurnsMessaging implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly turns: TurnsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bus.serve({
      [Commands.TurnSubmit]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.TurnSubmit>);
        return this.turns.submit(request.caller, { sessionId: request.sessionId, meta: request.meta, audioBase64: request.audioBase64 });
      },
      [Commands.TurnGet]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.TurnGet>);
        return this.turns.get(request.sessionId, request.turnId);
      },
    });
    await this.bus.consume(Consumers.SessionStoresTranscripts, {
      [Events.TurnTranscribed]: (event) => this.turns.storeTranscript(withSession(event)),
    });
    await this.bus.consume(Consumers.SessionRecordsPipelineResults, {
      [Events.AiReplyReady]: (event) => this.turns.recordAiReply(withSession(event)),
      [Events.ProviderFailed]: (event) => this.turns.providerFailed(withSession(event)),
    });
  }
}
