import type { StateTransition, TransitionReason, TurnState } from '@parley/contracts';
import type { RealtimeLogger } from './ports';

/** SPEC §7.2, exhaustively: no other transition ever happens. */
const transitions: Record<TurnState, readonly TurnState[]> = {
  IDLE: ['LISTENING', 'COMMITTED'],
  LISTENING: ['SPECULATIVE', 'IDLE'],
  SPECULATIVE: ['COMMITTED', 'LISTENING'],
  COMMITTED: ['SPEAKING', 'LISTENING'],
  SPEAKING: ['IDLE', 'LISTENING'],
};

export function canTransition(from: TurnState, to: TurnState): boolean {
  return transitions[from].includes(to);
}

/** The turn-taking state of one conversation; every accepted change is handed to `onChange`. */
export class TurnTaking {
  private current: TurnState = 'IDLE';

  constructor(
    private readonly now: () => number,
    private readonly logger: RealtimeLogger,
    private readonly onChange: (transition: StateTransition) => void,
  ) {}

  get state(): TurnState {
    return this.current;
  }

  /** Applies the transition, or refuses it (false) and reports it: a refused transition is a bug, never a crash. */
  transition(to: TurnState, reason?: TransitionReason): boolean {
    const from = this.current;
    if (!canTransition(from, to)) {
      this.logger.warn({ from, to, reason }, 'realtime: invalid turn-taking transition refused');
      return false;
    }
    this.current = to;
    this.onChange({ from, to, at: new Date(this.now()).toISOString(), ...(reason ? { reason } : {}) });
    return true;
  }
}
