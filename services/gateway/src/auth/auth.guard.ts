import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { addLogFields, PUBLIC_ROUTE } from '@parley/observability';
import { Reflector } from '@nestjs/core';
import { AppError, type Caller, type Role } from '@parley/contracts';
import type { Request } from 'express';
import { TokenService } from './token.service';

const ROLES = 'parley:roles';
/** Restricts a route to callers holding one of `roles`. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

type AuthedRequest = Request & { caller?: Caller };

/** The authenticated caller of the current request. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthedRequest>().caller;
  if (!caller) throw new AppError('unauthorized', 'Not signed in');
  return caller;
});

/** Global guard: every `/api` route needs a valid bearer token unless marked {@link Public}. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const caller = await this.tokens.fromAuthorizationHeader(request.headers.authorization);
    request.caller = caller;
    addLogFields({ userId: caller.userId });
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.some((role) => caller.roles.includes(role))) {
      throw new AppError('forbidden', `This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
