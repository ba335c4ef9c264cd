import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, Consumers, Events, callerOf as caller, type SessionCommands } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { addLogFields } from '@parley/observability';
import { HistoryService } from '../history/history.service';
import { TurnsService } from '../turns/turns.service';
import { SessionLifecycle } from './session-lifecycle.service';

type Req<C extends keyof SessionCommands> = SessionCommands[C]['request'];

/** NATS adapters of the session service: commands from the gateway and events from the workers. */
@Injectable()
export class SessionMessaging implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly lifecycle: SessionLifecycle,
    private readonly turns: TurnsService,
    private readonly history: HistoryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bus.serve({
      [Commands.SessionCreate]: (r) => this.lifecycle.create(caller(r), (r as Req<'session.create'>).body),
      [Commands.SessionGet]: (r) => this.lifecycle.state(caller(r), withSession(r as Req<'session.get'>).sessionId),
      [Commands.SessionStop]: (r) => this.lifecycle.stop(caller(r), withSession(r as Req<'session.stop'>).sessionId),
      [Commands.TurnSubmit]: (r) => {
        const request = withSession(r as Req<'session.turn.submit'>);
        return this.turns.submit(caller(r), {
          sessionId: request.sessionId,
          meta: request.meta,
          audioBase64: request.audioBase64,
        });
      },
      [Commands.TurnGet]: (r) => this.turns.get(withSession(r as Req<'session.turn.get'>).sessionId, (r as Req<'session.turn.get'>).turnId),
      [Commands.SessionList]: (r) => this.history.list(caller(r), (r as Req<'session.list'>).query),
      [Commands.SessionDelete]: (r) => this.history.delete(caller(r), withSession(r as Req<'session.delete'>).sessionId),
      [Commands.SessionPracticeAgain]: (r) => {
        const request = withSession(r as Req<'session.practice_again'>);
        return this.history.practiceAgain(caller(r), request.sessionId, request.body);
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

/** Puts the session id of a message into the log context of everything its handling logs. */
function withSession<T>(message: T): T {
  const sessionId = (message as { sessionId?: unknown } | undefined)?.sessionId;
  if (typeof sessionId === 'string') addLogFields({ sessionId });
  return message;
}
