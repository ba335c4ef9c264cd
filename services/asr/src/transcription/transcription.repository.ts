import { Inject, Injectable } from '@nestjs/common';
import { isUuid, type TranscriptionStatus } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';

export interface TurnToTranscribe {
  status: TranscriptionStatus | null;
  /** BCP 47 tag of the scenario the session practises, when the scenario has one. */
  language: string | undefined;
}


/** Read-only: the turns table belongs to the session service. */
@Injectable()
export class TranscriptionRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The trainee turn and its scenario's language; null when it no longer exists (the session was deleted). */
  async turn(turnId: string): Promise<TurnToTranscribe | null> {
    if (!isUuid(turnId)) return null;
    const turn = await this.prisma.turn.findUnique({
      where: { id: turnId },
      select: { transcriptionStatus: true, session: { select: { scenarioVersionRow: { select: { content: true } } } } },
    });
    if (!turn) return null;
    const language = (turn.session.scenarioVersionRow.content as { language?: unknown } | null)?.language;
    return { status: turn.transcriptionStatus, language: typeof language === 'string' ? language : undefined };
  }
}
