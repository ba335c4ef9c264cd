import type { StateTransition, TurnState } from '@parley/contracts';
import { TurnTaking, canTransition } from './turn-taking';

const states: TurnState[] = ['IDLE', 'LISTENING', 'SPECULATIVE', 'COMMITTED', 'SPEAKING'];
const allowed = new Set([
  'IDLE>LISTENING',
  'LISTENING>SPECULATIVE',
  'SPECULATIVE>COMMITTED',
  'COMMITTED>SPEAKING',
  'SPEAKING>IDLE',
  'SPECULATIVE>LISTENING',
  'COMMITTED>LISTENING',
  'SPEAKING>LISTENING',
  'LISTENING>IDLE',
  'IDLE>COMMITTED',
]);

function machineIn(state: TurnState) {
  const warnings: object[] = [];
  const changes: StateTransition[] = [];
  const logger = { debug: () => {}, error: () => {}, warn: (context: object) => warnings.push(context) };
  const machine = new TurnTaking(() => Date.UTC(2026, 0, 1), logger, (t) => changes.push(t));
  const path: Record<TurnState, TurnState[]> = {
    IDLE: [],
    LISTENING: ['LISTENING'],
    SPECULATIVE: ['LISTENING', 'SPECULATIVE'],
    COMMITTED: ['COMMITTED'],
    SPEAKING: ['COMMITTED', 'SPEAKING'],
  };
  for (const step of path[state]) expect(machine.transition(step)).toBe(true);
  changes.length = 0;
  return { machine, warnings, changes };
}

describe('turn-taking state machine', () => {
  it('allows exactly the ten transitions of SPEC §7.2', () => {
    const accepted = states.flatMap((from) => states.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(new Set(accepted)).toEqual(allowed);
  });

  it.each(states.flatMap((from) => states.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const { machine, warnings, changes } = machineIn(from);
    const ok = machine.transition(to, 'speech');
    if (allowed.has(`${from}>${to}`)) {
      expect(ok).toBe(true);
      expect(machine.state).toBe(to);
      expect(changes).toEqual([{ from, to, at: '2026-01-01T00:00:00.000Z', reason: 'speech' }]);
      expect(warnings).toEqual([]);
    } else {
      expect(ok).toBe(false);
      expect(machine.state).toBe(from);
      expect(changes).toEqual([]);
      expect(warnings).toEqual([{ from, to, reason: 'speech' }]);
    }
  });
});
