import { Module } from '@nestjs/common';
import { BusModule } from '@parley/bus';
import { DbModule } from '@parley/db';
import { ObservabilityModule } from '@parley/observability';
import { OutboxModule } from '@parley/outbox';
import { QueueModule } from '@parley/queue';
import { StorageModule, storageConfigFromEnv } from '@parley/storage';
import { CapacityService } from './capacity/capacity.service';
import { CatalogCommands } from './catalog/catalog.commands';
import { FreePracticeService } from './catalog/free-practice.service';
import { ChatCommands } from './chat/chat.commands';
import { ChatService } from './chat/chat.service';
import { ChatStreams } from './chat/chat-streams';
import { HistoryService } from './history/history.service';
import { ScenarioCatalogService } from './catalog/scenario-catalog.service';
import { SESSION_CONFIG, type SessionConfig } from './config';
import { RealtimeCommands } from './realtime/realtime.commands';
import { RealtimeHost } from './realtime/realtime-host.service';
import { RealtimeStore } from './realtime/realtime-store';
import { SessionActivity } from './realtime/session-activity';
import { SessionCommands } from './sessions/session.commands';
import { HistoryCommands } from './history/history.commands';
import { ProgressService } from './history/progress.service';
import { TurnsMessaging } from './turns/turns.messaging';
import { SessionLifecycle } from './sessions/session-lifecycle.service';
import { SessionReconciler } from './sessions/session-reconciler.service';
import { SessionTimers } from './timers/session-timers.service';
import { TimerJobs } from './timers/timer-jobs';
import { TurnsService } from './turns/turns.service';

export function sessionModule(config: SessionConfig) {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ service: 'session', logLevel: config.LOG_LEVEL }),
      BusModule.forService('session', config),
      QueueModule.forRoot({ redisUrl: config.REDIS_URL, namespace: config.PARLEY_NAMESPACE, service: 'session' }),
      DbModule.forRoot({ databaseUrl: config.DATABASE_URL }),
      StorageModule.forRoot(storageConfigFromEnv(config)),
      OutboxModule.forRoot({ service: 'session', table: 'session_outbox' }),
    ],
    providers: [
      { provide: SESSION_CONFIG, useValue: config },
      ScenarioCatalogService,
      CatalogCommands,
      CapacityService,
      FreePracticeService,
      ChatStreams,
      ChatService,
      ChatCommands,
      SessionTimers,
      SessionLifecycle,
      TurnsService,
      HistoryService,
      SessionCommands,
      TurnsMessaging,
      ProgressService,
      HistoryCommands,
      TimerJobs,
      SessionReconciler,
      RealtimeStore,
      SessionActivity,
      RealtimeHost,
      RealtimeCommands,
    ],
  })
  class SessionModule {}
  return SessionModule;
}
