import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Commands, callerOf as caller, type Caller } from '@parley/contracts';
import { Bus } from '@parley/bus';
import { ScenarioCatalogService } from './scenario-catalog.service';

interface CatalogRequest {
  caller: Caller;
  id?: unknown;
  query?: unknown;
  content?: unknown;
}

/** NATS adapter of the catalog: turns each command into a call of the catalog service. */
@Injectable()
export class CatalogCommands implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly catalog: ScenarioCatalogService,
  ) {}

  onApplicationBootstrap(): void {
    const c = this.catalog;
    this.bus.serve({
      [Commands.ScenarioList]: (r) => c.list(caller(r), (r as CatalogRequest).query),
      [Commands.ScenarioGet]: (r) => c.get(caller(r), (r as CatalogRequest).id),
      [Commands.ScenarioCreate]: (r) => c.create(caller(r), (r as CatalogRequest).content),
      [Commands.ScenarioUpdate]: (r) => c.update(caller(r), (r as CatalogRequest).id, (r as CatalogRequest).content),
      [Commands.ScenarioPublish]: (r) => c.publish(caller(r), (r as CatalogRequest).id),
      [Commands.SkillList]: () => c.skills(),
      [Commands.TemplateList]: (r) => c.templates(caller(r)),
    });
  }
}
