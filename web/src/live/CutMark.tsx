import type { TurnView } from '@parley/contracts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Marks an AI turn of a realtime session that the trainee interrupted: its stored text and audio stop where they
 * were cut (SPEC §7.2). Self-contained (inline styles) so the replay can use it as is:
 * `<p>{t.text}<CutMark turn={t} /></p>`.
 */
export function CutMark({ turn }: { turn: Pick<TurnView, 'speaker' | 'interrupted' | 'heardMs'> }) {
  if (turn.speaker !== 'ai' || !turn.interrupted) return null;
  return (
    <span
      className="cut-mark"
      data-testid="cut-mark"
      title="You interrupted here: the rest was never heard"
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: '0.3em',
        marginLeft: '0.4em',
        padding: '0.05em 0.5em',
        borderRadius: 999,
        border: '1px dashed #b3261e',
        color: '#b3261e',
        fontSize: '0.8em',
        whiteSpace: 'nowrap',
      }}
    >
      <span aria-hidden="true">✂</span>
      {turn.heardMs !== null ? `cut off after ${seconds(turn.heardMs)}` : 'cut off'}
    </span>
  );
}
