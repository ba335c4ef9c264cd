import { Inject, Injectable } from '@nestjs/common';
import type { ScenarioContent } from '@parley/contracts';
import type { ConversationLine, ObjectiveOutcome, Providers, RoleplayReply } from '@parley/providers';
import { PROVIDERS } from '../providers/providers.provider';

export interface Verdict {
  outcome: ObjectiveOutcome;
  rationale?: string;
}

/** After each trainee turn: are the scenario's objectives met, failed, or still open (SPEC §4.7)? */
@Injectable()
export class ObjectiveCheckService {
  constructor(@Inject(PROVIDERS) private readonly providers: Providers) {}

  /**
   * `history` ends with the trainee turn being answered; the persona's reply to it is judged too, since it often
   * shows the outcome ("fine, I'll take the refund"). The offline script decided with the reply itself: the outcome
   * of the script step it reached.
   */
  async check(
    scenario: ScenarioContent,
    history: readonly ConversationLine[],
    reply: Pick<RoleplayReply, 'text' | 'offline' | 'outcome'>,
    signal?: AbortSignal,
  ): Promise<Verdict> {
    if (reply.offline) {
      return reply.outcome
        ? { outcome: reply.outcome, rationale: 'The conversation reached a step of the scenario script that ends it.' }
        : { outcome: 'continue' };
    }
    const result = await this.providers.objectiveChecker.check({
      scenario,
      history: [...history, { speaker: 'ai', text: reply.text }],
      signal,
    });
    return { outcome: result.outcome, rationale: result.rationale };
  }
}
