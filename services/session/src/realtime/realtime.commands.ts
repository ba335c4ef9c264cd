import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Bus } from '@parley/bus';
import { Commands, type CommandRequest, type LatencyStats } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import { addLogFields } from '@parley/observability';
import { SessionLifecycle } from '../sessions/session-lifecycle.service';
import { latencyStats } from './latency-stats';
import { RealtimeHost } from './realtime-host.service';

/** NATS adapter of realtime sessions: each handler turns a parsed command into one call. */
@Injectable()
export class RealtimeCommands implements OnApplicationBootstrap {
  constructor(
    private readonly bus: Bus,
    private readonly host: RealtimeHost,
    private readonly lifecycle: SessionLifecycle,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve({
      [Commands.RtStart]: (r) => {
        const request = r as CommandRequest<typeof Commands.RtStart>;
        addLogFields({ sessionId: request.sessionId });
        return this.host.start(request.caller, request.sessionId, request.engine, request.settings);
      },
      [Commands.RtPresence]: (r) => {
        const request = r as CommandRequest<typeof Commands.RtPresence>;
        addLogFields({ sessionId: request.sessionId });
        return this.host.presence(request.caller, request.sessionId, request.present);
      },
      [Commands.LatencyStats]: async (r) => {
        const request = r as CommandRequest<typeof Commands.LatencyStats>;
        const session = await this.lifecycle.owned(request.caller, request.sessionId);
        return this.latencyStats(session.id);
      },
    });
  }

  /** SPEC §7.3: per latency segment n/avg/min/max/p95 over the AI turns, with cancellations and interruptions. */
  private async latencyStats(sessionId: string): Promise<LatencyStats> {
    const [turns, generations] = await Promise.all([
      this.prisma.turn.findMany({ where: { sessionId }, select: { speaker: true, interrupted: true, latency: true } }),
      this.prisma.generation.findMany({ where: { sessionId } }),
    ]);
    return latencyStats(
      turns.map((t) => ({ speaker: t.speaker, interrupted: t.interrupted, latency: t.latency as never })),
      generations.map((g) => ({
        id: g.id,
        outcome: g.outcome as never,
        tokens: g.tokens,
        startedAt: g.startedAt.toISOString(),
        firstTokenAt: g.firstTokenAt?.toISOString() ?? null,
        endedAt: g.endedAt.toISOString(),
      })),
    );
  }
}
