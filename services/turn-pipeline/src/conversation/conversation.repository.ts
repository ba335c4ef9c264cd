import { Inject, Injectable } from '@nestjs/common';
import { ScenarioContentSchema, isUuid, type ScenarioContent, type SessionMode, type SessionStatus } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';
import type { TurnLine } from './history';

export interface SessionSnapshot {
  id: string;
  status: SessionStatus;
  mode: SessionMode;
  /** The scenario version the session practises. */
  scenario: ScenarioContent;
}

export interface TurnRecord extends TurnLine {
  audioKey: string | null;
}

const TURN_FIELDS = { sequence: true, speaker: true, text: true, transcriptionStatus: true, audioKey: true } as const;

export { isOpenStatus as isOpen } from '@parley/contracts';

/** Read-only: sessions, turns and scenarios belong to the session service. */
@Injectable()
export class ConversationRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The session with its scenario; null when it does not exist (any more). */
  async session(sessionId: string): Promise<SessionSnapshot | null> {
    if (!isUuid(sessionId)) return null;
    const row = await this.prisma.practiceSession.findUnique({
      where: { id: sessionId },
      select: { id: true, status: true, mode: true, scenarioVersionRow: { select: { content: true } } },
    });
    if (!row) return null;
    return { id: row.id, status: row.status, mode: row.mode, scenario: ScenarioContentSchema.parse(row.scenarioVersionRow.content) };
  }

  async turn(sessionId: string, sequence: number): Promise<TurnRecord | null> {
    return this.prisma.turn.findUnique({
      where: { sessionId_sequence: { sessionId, sequence } },
      select: TURN_FIELDS,
    });
  }

  /** Turns up to and including `through`, in order. */
  async turns(sessionId: string, through: number): Promise<TurnRecord[]> {
    return this.prisma.turn.findMany({
      where: { sessionId, sequence: { lte: through } },
      orderBy: { sequence: 'asc' },
      select: TURN_FIELDS,
    });
  }
}
