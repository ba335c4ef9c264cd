import type { TurnState } from '@parley/contracts';

const STATES: TurnState[] = ['IDLE', 'LISTENING', 'SPECULATIVE', 'COMMITTED', 'SPEAKING'];

const short: Record<TurnState, string> = {
  IDLE: 'Your turn',
  LISTENING: 'Listening',
  SPECULATIVE: 'Pause',
  COMMITTED: 'Answering',
  SPEAKING: 'Speaking',
};

/** What the trainee should understand from each turn-taking state (SPEC §7.2). */
export function stateSentence(state: TurnState | null, persona: string, speaking: boolean): string {
  switch (state) {
    case null:
      return 'Connecting…';
    case 'IDLE':
      return speaking ? 'Go ahead, I am listening.' : `Speak whenever you are ready; ${persona} is listening.`;
    case 'LISTENING':
      return `${persona} is listening to you…`;
    case 'SPECULATIVE':
      return `You paused: ${persona} is getting ready to answer (keep talking to go on).`;
    case 'COMMITTED':
      return `${persona} is about to answer.`;
    case 'SPEAKING':
      return `${persona} is speaking: talk to interrupt.`;
  }
}

/** The five turn-taking states as a calm stepper; the current one is lit. */
export function TurnStateIndicator({ state, persona, speaking }: { state: TurnState | null; persona: string; speaking: boolean }) {
  return (
    <div className="turn-state" data-testid="turn-state" data-state={state ?? 'CONNECTING'}>
      <ol aria-label="Turn-taking">
        {STATES.map((s) => (
          <li key={s} className={s === state ? 'on' : ''} aria-current={s === state ? 'step' : undefined} title={s}>
            <span className="dot" aria-hidden="true" />
            {short[s]}
          </li>
        ))}
      </ol>
      <p aria-live="polite">{stateSentence(state, persona, speaking)}</p>
    </div>
  );
}
