import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { AppError, Commands, parseChatStreamId, type CommandRequest } from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import { ChatService } from './chat.service';

/** NATS adapter of text practice: each handler turns a parsed command into one call of {@link ChatService}. */
@Injectable()
export class ChatCommands implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly chat: ChatService,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve({
      [Commands.ChatSend]: (r) => {
        const request = r as CommandRequest<typeof Commands.ChatSend>;
        addLogFields({ sessionId: request.sessionId });
        return this.chat.send(request.caller, request.sessionId, request.message);
      },
      [Commands.ChatStream]: (r) => {
        const request = r as CommandRequest<typeof Commands.ChatStream>;
        const stream = parseChatStreamId(request.streamId);
        if (!stream) throw new AppError('not_found', 'No such stream');
        return this.chat.streamOwner(request.caller, stream.sessionId);
      },
    });
  }
}
