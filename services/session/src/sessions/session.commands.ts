import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, type CommandRequest } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { addLogFields } from '@parley/observability';
import { SessionLifecycle } from './session-lifecycle.service';

/** NATS adapter of the session lifecycle: create, state, stop. */
@Injectable()
export class SessionCommands implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly lifecycle: SessionLifecycle,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve({
      [Commands.SessionCreate]: (r) => {
        const request = r as CommandRequest<typeof Commands.SessionCreate>;
        return this.lifecycle.create(request.caller, request.body);
      },
      [Commands.SessionGet]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.SessionGet>);
        return this.lifecycle.state(request.caller, request.sessionId);
      },
      [Commands.SessionStop]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.SessionStop>);
        return this.lifecycle.stop(request.caller, request.sessionId);
      },
    });
  }
}

/** Puts the session id of a message into the log context of everything its handling logs. */
export function withSession<T>(message: T): T {
  const sessionId = (message as { sessionId?: unknown } | undefined)?.sessionId;
  if (typeof sessionId === 'string') addLogFields({ sessionId });
  return message;
}
