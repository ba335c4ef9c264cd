import { Injectable } from '@nestjs/common';
import { newContext, type MessageContext } from '@parley/bus';
import { currentLogFields } from '@parley/observability';

/** The correlation id of the current request, carried into the commands it sends. */
@Injectable()
export class CommandContext {
  current(): MessageContext {
    return newContext({ correlationId: currentLogFields().correlationId });
  }
}
