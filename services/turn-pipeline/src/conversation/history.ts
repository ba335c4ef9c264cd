import type { Speaker, TranscriptionStatus } from '@parley/contracts';
import type { ConversationLine } from '@parley/providers';

/** What the history needs of a stored turn. */
export interface TurnLine {
  sequence: number;
  speaker: Speaker;
  text: string | null;
  /** Null for AI turns. */
  transcriptionStatus: TranscriptionStatus | null;
}

/** Turn 0 is always the AI's opening. */
export const OPENING_SEQUENCE = 0;

/** The AI's reply follows the trainee turn it answers: sequences are gap-free. */
export const replySequence = (afterSequence: number): number => afterSequence + 1;

/**
 * The conversation up to and including turn `through`, oldest first. A trainee turn counts with its transcript;
 * one whose transcription failed or is not stored (yet) still happened, so it stays in as an empty line: the
 * script roleplayer answers it with a fallback line, a model sees it as inaudible.
 */
export function buildHistory(turns: readonly TurnLine[], through: number): ConversationLine[] {
  return turns
    .filter((turn) => turn.sequence <= through)
    .sort((a, b) => a.sequence - b.sequence)
    .map(lineOf);
}

/** The trainee's words in a turn: its transcript once transcribed, otherwise nothing. */
export function traineeText(turn: TurnLine): string {
  return turn.transcriptionStatus === 'done' ? (turn.text ?? '').trim() : '';
}

function lineOf(turn: TurnLine): ConversationLine {
  return turn.speaker === 'ai' ? { speaker: 'ai', text: (turn.text ?? '').trim() } : { speaker: 'trainee', text: traineeText(turn) };
}
