import { buildHistory, replySequence, traineeText, type TurnLine } from './history';

const ai = (sequence: number, text: string): TurnLine => ({ sequence, speaker: 'ai', text, transcriptionStatus: null });
const trainee = (sequence: number, text: string | null, status: TurnLine['transcriptionStatus']): TurnLine => ({
  sequence,
  speaker: 'trainee',
  text,
  transcriptionStatus: status,
});

describe('conversation history', () => {
  it('lists the turns in sequence order, up to and including the turn being answered', () => {
    const turns = [trainee(3, 'I want a refund', 'done'), ai(0, 'Hello, how can I help?'), ai(2, 'Go on.'), trainee(1, 'Hi', 'done'), ai(4, 'No.')];
    expect(buildHistory(turns, 3)).toEqual([
      { speaker: 'ai', text: 'Hello, how can I help?' },
      { speaker: 'trainee', text: 'Hi' },
      { speaker: 'ai', text: 'Go on.' },
      { speaker: 'trainee', text: 'I want a refund' },
    ]);
  });

  it('keeps a trainee turn without a usable transcript as an empty line', () => {
    const turns = [ai(0, 'Hello'), trainee(1, null, 'failed'), ai(2, 'Sorry?'), trainee(3, 'stale words', 'pending')];
    expect(buildHistory(turns, 3)).toEqual([
      { speaker: 'ai', text: 'Hello' },
      { speaker: 'trainee', text: '' },
      { speaker: 'ai', text: 'Sorry?' },
      { speaker: 'trainee', text: '' },
    ]);
  });

  it('trims transcripts and treats an empty one as silence', () => {
    expect(traineeText(trainee(1, '  yes please \n', 'done'))).toBe('yes please');
    expect(traineeText(trainee(1, null, 'done'))).toBe('');
  });

  it('does not change the turns it is given', () => {
    const turns = [ai(2, 'b'), ai(0, 'a')];
    buildHistory(turns, 5);
    expect(turns.map((t) => t.sequence)).toEqual([2, 0]);
  });

  it('gives the reply the sequence right after the trainee turn (gap-free)', () => {
    expect(replySequence(1)).toBe(2);
    expect(replySequence(7)).toBe(8);
  });
});
