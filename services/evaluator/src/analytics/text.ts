/**
 * Word-level helpers for transcripts. Speech recognisers write lowercase words with little or no punctuation, and
 * models write ordinary text, so everything here works on lowercase word tokens.
 */

/** Lowercase word tokens: letters, digits and inner apostrophes ("don't", "it's"). */
export function words(text: string | null | undefined): string[] {
  if (!text) return [];
  const tokens = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").match(/[\p{L}\p{N}']+/gu) ?? [];
  return tokens.map((t) => t.replace(/^'+|'+$/g, '')).filter((t) => t.length > 0);
}

const DIGIT_WORDS: Record<string, string> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '10': 'ten',
  '11': 'eleven',
  '12': 'twelve',
};

/**
 * A crude stem for matching a criterion's words against a transcript: numbers as words (recognisers spell
 * them out), and common English endings removed ("days" ~ "day", "refunded" ~ "refund").
 */
export function stem(word: string): string {
  const w = DIGIT_WORDS[word] ?? word;
  if (w.length <= 4) return w;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  }
  return w;
}

/** Sentences of a text, split after . ! or ?; an unpunctuated transcript is one sentence. */
export function sentences(text: string | null | undefined): string[] {
  if (!text) return [];
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => words(s).length > 0);
}
