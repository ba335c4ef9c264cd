import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { BusModule } from '@parley/bus';
import { ObservabilityModule } from '@parley/observability';
import { QueueModule } from '@parley/queue';
import { AdminController } from './admin/admin.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/token.service';
import { CatalogController } from './catalog/catalog.controller';
import { ChatController } from './chat/chat.controller';
import { ChatStreamReader } from './chat/chat-stream.reader';
import { ProgressController } from './progress/progress.controller';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { AppErrorFilter } from './errors/app-error.filter';
import { RestRateLimitGuard, SocketRateLimiter, rateLimitModule } from './rate-limit';
import { PracticeGateway } from './practice/practice.gateway';
import { PracticePushes } from './practice/practice-pushes.service';
import { PushConsumers } from './practice/push-consumers';
import { RealtimeRelay } from './practice/realtime-relay.service';
import { CommandContext } from './request-context';
import { SessionsController } from './sessions/sessions.controller';

export function gatewayModule(config: GatewayConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'gateway', logLevel: config.LOG_LEVEL }),
      BusModule.forService('gateway', config),
      rateLimitModule(config),
      // Handles on the workers' queues for the operators' dashboard (the gateway runs no workers).
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'gateway' }),
    ],
    controllers: [AdminController, AuthController, CatalogController, SessionsController, ChatController, ProgressController],
    providers: [
      { provide: GATEWAY_CONFIG, useValue: config },
      TokenService,
      SocketRateLimiter,
      CommandContext,
      ChatStreamReader,
      PracticeGateway,
      PracticePushes,
      RealtimeRelay,
      PushConsumers,
      // Order matters: authenticate first so the limiter can count per user.
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_GUARD, useClass: RestRateLimitGuard },
      { provide: APP_FILTER, useClass: AppErrorFilter },
    ],
    exports: [GATEWAY_CONFIG, TokenService],
  })
  class GatewayModule {}
  return GatewayModule;
}
