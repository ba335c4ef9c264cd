import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UsePipes } from '@nestjs/common';
import {
  Commands,
  type Caller,
  type Page,
  type PromptTemplateView,
  type ScenarioView,
  type Skill,
} from '@parley/contracts';
import { Bus } from '@parley/bus';
import { CurrentCaller, Roles } from '../auth/auth.guard';
import { UntrustedInputPipe } from '../errors/untrusted-input';
import { CommandContext } from '../request-context';

/**
 * The scenario catalog lives in the session service; the gateway authenticates, then forwards the caller and the
 * raw input as a command. Validation happens once, in the owning service.
 */
@Controller()
@UsePipes(UntrustedInputPipe)
export class CatalogController {
  constructor(
    private readonly bus: Bus,
    private readonly commandContext: CommandContext,
  ) {}

  @Get('scenarios')
  list(@CurrentCaller() caller: Caller, @Query() query: Record<string, unknown>) {
    return this.bus.request<Page<ScenarioView>>(Commands.ScenarioList, { caller, query }, this.commandContext.current());
  }

  @Get('scenarios/:id')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.bus.request<ScenarioView>(Commands.ScenarioGet, { caller, id }, this.commandContext.current());
  }

  @Roles('author')
  @Post('scenarios')
  @HttpCode(201)
  create(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.bus.request<ScenarioView>(Commands.ScenarioCreate, { caller, content: body }, this.commandContext.current());
  }

  @Roles('author')
  @Put('scenarios/:id')
  update(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    return this.bus.request<ScenarioView>(Commands.ScenarioUpdate, { caller, id, content: body }, this.commandContext.current());
  }

  @Roles('author')
  @Post('scenarios/:id/publish')
  @HttpCode(200)
  publish(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.bus.request<ScenarioView>(Commands.ScenarioPublish, { caller, id }, this.commandContext.current());
  }

  @Get('skills')
  skills(@CurrentCaller() caller: Caller) {
    return this.bus.request<Skill[]>(Commands.SkillList, { caller }, this.commandContext.current());
  }

  @Get('templates')
  templates(@CurrentCaller() caller: Caller) {
    return this.bus.request<PromptTemplateView[]>(Commands.TemplateList, { caller }, this.commandContext.current());
  }
}
