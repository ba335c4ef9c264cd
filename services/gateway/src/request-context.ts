import { Injectable } from '@nestjs/common';
import { newContext, type MessageContext } from '@parley/bus';

/** The correlation id and span of the current request, carried into the commands it sends. */
@Injectable()
export class CommandContext {
  current(): MessageContext {
    return newContext();
  }
}
