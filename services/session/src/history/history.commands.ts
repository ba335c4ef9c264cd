import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, type CommandRequest } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { withSession } from '../sessions/session.commands';
import { HistoryService } from './history.service';
import { ProgressService } from './progress.service';

/** NATS adapter of the trainee's past sessions: history, deletion, practice again, progress. */
@Injectable()
export class HistoryCommands implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly history: HistoryService,
    private readonly progress: ProgressService,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve({
      [Commands.SessionList]: (r) => {
        const request = r as CommandRequest<typeof Commands.SessionList>;
        return this.history.list(request.caller, request.query);
      },
      [Commands.SessionDelete]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.SessionDelete>);
        return this.history.delete(request.caller, request.sessionId);
      },
      [Commands.SessionPracticeAgain]: (r) => {
        const request = withSession(r as CommandRequest<typeof Commands.SessionPracticeAgain>);
        return this.history.practiceAgain(request.caller, request.sessionId, request.body);
      },
      [Commands.Progress]: (r) => this.progress.progress((r as CommandRequest<typeof Commands.Progress>).caller),
    });
  }
}
