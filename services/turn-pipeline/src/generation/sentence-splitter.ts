/** Characters that end a sentence when whitespace (or the end of the reply) follows them. */
const TERMINATORS = new Set(['.', '!', '?', '…']);
/** Full-width terminators end a sentence by themselves: CJK text puts no space after them. */
const WIDE_TERMINATORS = new Set(['。', '！', '？']);
/** Clause marks where a long sentence may be cut. */
const CLAUSE_MARKS = new Set([',', ';', ':']);
/** Closing quotes and brackets stay with the sentence they close. */
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '»', '」', '』']);
const OPENERS = /^["'“‘(\[«「『]+/;

/** Words ending in a dot that do not end a sentence (lower case, without the dot). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'approx', 'dept', 'fig', 'ca', 'cf', 'esp', 'incl',
]);

export interface SentenceSplitterOptions {
  /** A sentence this long (characters) may end at the next `,` `;` `:` followed by whitespace. Default 80. */
  clauseAfter?: number;
  /** A sentence without any mark is cut at the last whitespace once it is this long. Default 240. */
  hardLimit?: number;
}

/**
 * Cuts streamed text into sentences as it arrives, so each can be spoken as soon as it is complete.
 *
 * A sentence ends at `.` `!` `?` `…` (with any closing quotes or brackets after it) followed by whitespace, or at a
 * full-width `。` `！` `？`. A dot does not end one after an abbreviation (Mr. Dr. St. vs.), an initial (J.), or in
 * letter-dot words (e.g. i.e. U.S. a.m.); "3.5" has no whitespace after its dot. A sentence longer than
 * `clauseAfter` also ends at `,` `;` `:` followed by whitespace, and one longer than `hardLimit` at its last
 * whitespace. A mark at the very end of the text so far is undecided until more text (or {@link flush}) comes.
 */
export class SentenceSplitter {
  private buffer = '';
  /** Where scanning resumes: everything before it was already decided not to end a sentence. */
  private scanned = 0;
  private readonly clauseAfter: number;
  private readonly hardLimit: number;

  constructor(options: SentenceSplitterOptions = {}) {
    this.clauseAfter = options.clauseAfter ?? 80;
    this.hardLimit = options.hardLimit ?? 240;
  }

  /** Adds streamed text; returns the sentences it completed, in order (trimmed, never empty). */
  push(text: string): string[] {
    this.buffer += text;
    const sentences: string[] = [];
    for (let end = this.nextEnd(); end !== null; end = this.nextEnd()) {
      const sentence = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end).replace(/^\s+/, '');
      this.scanned = 0;
      if (sentence) sentences.push(sentence);
    }
    return sentences;
  }

  /** The rest of the text, once the reply is complete (null when nothing is left). */
  flush(): string | null {
    const rest = this.buffer.trim();
    this.buffer = '';
    this.scanned = 0;
    return rest || null;
  }

  /** Index just after the first complete sentence in the buffer, or null when none is complete yet. */
  private nextEnd(): number | null {
    const text = this.buffer;
    let i = this.scanned;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (WIDE_TERMINATORS.has(c)) {
        const end = this.skipClosers(i + 1);
        if (end === text.length && end === i + 1) break; // a closer may still follow
        return end;
      }
      if (TERMINATORS.has(c)) {
        let end = i + 1;
        while (end < text.length && TERMINATORS.has(text[end]!)) end++; // "?!", "..."
        end = this.skipClosers(end);
        if (end === text.length) break; // undecided: "3." may become "3.5"
        if (!/\s/.test(text[end]!)) {
          i = end - 1;
          continue;
        }
        if (c === '.' && end === i + 1 && isAbbreviation(text, i)) continue;
        return end;
      }
      if (CLAUSE_MARKS.has(c) && i + 1 >= this.clauseAfter) {
        if (i + 1 === text.length) break;
        if (/\s/.test(text[i + 1]!)) return i + 1;
      }
    }
    this.scanned = i;
    if (text.length >= this.hardLimit) {
      const space = text.lastIndexOf(' ', text.length - 1);
      if (space > 0) return space;
    }
    return null;
  }

  private skipClosers(from: number): number {
    let end = from;
    while (end < this.buffer.length && CLOSERS.has(this.buffer[end]!)) end++;
    return end;
  }
}

/** Whether the dot at `dot` closes an abbreviation, an initial or a letter-dot word rather than a sentence. */
function isAbbreviation(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  const word = text.slice(start, dot + 1).replace(OPENERS, '');
  if (/^\p{Lu}\.$/u.test(word)) return word !== 'I.'; // an initial ("J. Smith"), but not the pronoun
  if (/^(?:\p{L}\.){2,}$/u.test(word)) return true; // e.g. i.e. U.S. a.m.
  return ABBREVIATIONS.has(word.slice(0, -1).toLowerCase());
}
