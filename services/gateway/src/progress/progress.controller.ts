import { Controller, Get } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Commands, type Caller, type ProgressView } from '@parley/contracts';
import { CurrentCaller } from '../auth/auth.guard';
import { CommandContext } from '../request-context';

/** The trainee's progress over time: per skill the ratings, per scenario best and latest score and practices. */
@Controller('progress')
export class ProgressController {
  constructor(
    private readonly bus: Bus,
    private readonly commandContext: CommandContext,
  ) {}

  @Get()
  progress(@CurrentCaller() caller: Caller): Promise<ProgressView> {
    return this.bus.request<ProgressView>(Commands.Progress, { caller }, this.commandContext.current());
  }
}
