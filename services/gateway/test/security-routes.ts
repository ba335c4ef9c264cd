import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { gatewayModule } from '../src/app.module';
import { loadGatewayConfig } from '../src/config';

/** The prefix main.ts sets for every controller route. */
const GLOBAL_PREFIX = 'api';

const join = (...parts: Array<string | undefined>) =>
  '/' +
  parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Every REST route the gateway serves, as `METHOD /api/path/:param`, read from Nest's own decorator metadata on the
 * controllers the gateway module registers (the same metadata Nest's router explorer maps at boot). A route added to
 * any controller shows up here without anyone listing it.
 */
export function gatewayRoutes(): string[] {
  const module = gatewayModule(loadGatewayConfig({ NODE_ENV: 'test' }));
  const controllers: Type[] = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? [];
  const routes: string[] = [];
  for (const controller of controllers) {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      for (const one of Array.isArray(path) ? path : [path]) routes.push(`${RequestMethod[method]} ${join(GLOBAL_PREFIX, base, one)}`);
    }
  }
  return routes.sort();
}
