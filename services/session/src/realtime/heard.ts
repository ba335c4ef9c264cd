/** A stretch of AI audio and the words it voices. */
export interface SpokenSegment {
  text: string;
  ms: number;
}

/**
 * The words of the first `heardMs` of audio: whole segments, then the heard share of the next one by audio time,
 * cut back to the last complete word.
 */
export function heardText(segments: readonly SpokenSegment[], heardMs: number): string {
  const parts: string[] = [];
  let left = heardMs;
  for (const segment of segments) {
    if (left >= segment.ms) {
      parts.push(segment.text);
      left -= segment.ms;
      continue;
    }
    if (left > 0) parts.push(wholeWordsOf(segment.text, left / segment.ms));
    break;
  }
  return parts.map((part) => part.trim()).filter(Boolean).join(' ');
}

function wholeWordsOf(text: string, share: number): string {
  const chars = Math.floor(text.length * share);
  if (chars >= text.length || /\s/.test(text[chars] ?? '')) return text.slice(0, chars);
  const cut = text.slice(0, chars);
  const lastSpace = cut.search(/\s\S*$/);
  return lastSpace < 0 ? '' : cut.slice(0, lastSpace);
}
