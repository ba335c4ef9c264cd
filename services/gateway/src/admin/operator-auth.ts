import { AppError, type Caller } from '@parley/contracts';
import type { NextFunction, Request, Response } from 'express';
import type { TokenService } from '../auth/token.service';
import { toAppError } from '../errors/app-error.filter';
import { signInPage } from './sign-in';

export const DASHBOARD_PATH = '/admin/queues';
/** HttpOnly cookie holding an operator's bearer token, sent by the browser to the dashboard's paths only. */
export const OPERATOR_COOKIE = 'parley_operator';
/** A dashboard cookie lives at most this long, however long the token it holds is valid. */
export const OPERATOR_COOKIE_MAX_SEC = 15 * 60;

/** The bearer token of a dashboard request: an `Authorization: Bearer` header (a proxy), else the cookie. */
export function operatorToken(req: Pick<Request, 'headers'>): string | undefined {
  const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (header) return header[1];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === OPERATOR_COOKIE && value.length) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export async function requireOperator(tokens: TokenService, token: string | undefined): Promise<Caller> {
  if (!token) throw new AppError('unauthorized', 'Sign in as an operator first');
  const caller = await tokens.verify(token);
  if (!caller.roles.includes('operator')) throw new AppError('forbidden', 'The queue dashboard needs the operator role');
  return caller;
}

/**
 * Express middleware in front of the dashboard: 401 without a valid token, 403 for a caller who is not an operator.
 * A browser asking for a page gets the sign-in page with that status; anything else our JSON error body.
 */
export function operatorOnly(tokens: TokenService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    requireOperator(tokens, operatorToken(req)).then(
      () => next(),
      (error: unknown) => {
        const appError = toAppError(error);
        res.status(appError.status).setHeader('Cache-Control', 'no-store');
        if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') res.type('html').send(signInPage(appError.message));
        else res.json({ error: appError.toJSON() });
      },
    );
  };
}
