import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { DevTokenRequestSchema, parseOrThrow, type AuthConfigResponse } from '@parley/contracts';
import { Public } from '@parley/observability';
import { TokenService } from './token.service';

@Controller('auth')
export class AuthController {
  constructor(private readonly tokens: TokenService) {}

  /** How the web client signs in: the mode and, with an OIDC issuer, where and as which client. */
  @Public()
  @Get('config')
  config(): AuthConfigResponse {
    return this.tokens.clientConfig();
  }

  /** Local development only (AUTH_MODE=dev): a token for any user id; 404 otherwise. */
  @Public()
  @Post('dev-token')
  @HttpCode(201)
  devToken(@Body() body: unknown) {
    const request = parseOrThrow(DevTokenRequestSchema, body ?? {}, 'dev token request');
    return { token: this.tokens.issueDevToken(request), userId: request.userId, roles: request.roles };
  }
}
