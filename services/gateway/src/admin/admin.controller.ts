import { Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/auth.guard';
import { DASHBOARD_PATH, OPERATOR_COOKIE, OPERATOR_COOKIE_MAX_SEC, operatorToken } from './operator-auth';

/** Seconds until the JWT's `exp` (already verified by the auth guard); undefined when it has none. */
function secondsLeft(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.floor(claims.exp - Date.now() / 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Browsers cannot put a bearer header on page loads, so an operator trades the token for a short-lived cookie that
 * only the dashboard's paths receive: HttpOnly (no script reads it), SameSite=Strict (no other site's page can make
 * the browser use it), Secure behind https. The dashboard checks the token in it on every request.
 */
@Controller('admin')
export class AdminController {
  @Roles('operator')
  @Post('session')
  @HttpCode(201)
  openSession(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    // The guard verified the header's token, so it is there.
    const token = operatorToken({ headers: { authorization: req.headers.authorization } })!;
    const maxAgeSec = Math.max(0, Math.min(OPERATOR_COOKIE_MAX_SEC, secondsLeft(token) ?? OPERATOR_COOKIE_MAX_SEC));
    res.cookie(OPERATOR_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: DASHBOARD_PATH,
      maxAge: maxAgeSec * 1000,
    });
    return { dashboard: DASHBOARD_PATH, expiresAt: new Date(Date.now() + maxAgeSec * 1000).toISOString() };
  }

  @Roles('operator')
  @Delete('session')
  @HttpCode(204)
  closeSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    res.clearCookie(OPERATOR_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: DASHBOARD_PATH });
  }
}
