/**
 * Filler words counted in context and per language. A word that is a filler in one place is meaning in another:
 * "so" in "I am so sorry" or "so I will refund it" is not a filler, "so, um" is; "like" in "I would like" or "it
 * looks like" is not, "it was, like, broken" is. The rules read the words around each candidate (and the commas
 * a writer or a recogniser put there), so the count is deterministic and explainable.
 */

/** A word with the punctuation that followed and preceded it in the original text. */
export interface Token {
  word: string;
  /** Comma, dash or ellipsis right before the word (a spoken pause). */
  pauseBefore: boolean;
  pauseAfter: boolean;
  /** First word of a sentence (or of the text). */
  sentenceStart: boolean;
  /** Last word of a sentence (or of the text). */
  sentenceEnd: boolean;
}

/** Tokens of a text with the pauses and sentence boundaries around each word. */
export function tokens(text: string | null | undefined): Token[] {
  if (!text) return [];
  const normalised = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  const parts = normalised.match(/[\p{L}\p{N}']+|[.!?]+|[,;:\u2014\u2013]|\.\.\.|-{1,2}/gu) ?? [];
  const out: Token[] = [];
  let pause = false;
  let start = true;
  for (const part of parts) {
    if (/^[.!?]+$/.test(part)) {
      const last = out[out.length - 1];
      if (last) {
        last.sentenceEnd = true;
        last.pauseAfter = true;
      }
      start = true;
      pause = true;
      continue;
    }
    if (/^[,;:\u2014\u2013-]+$|^\.\.\.$/.test(part)) {
      const last = out[out.length - 1];
      if (last) last.pauseAfter = true;
      pause = true;
      continue;
    }
    const word = part.replace(/^'+|'+$/g, '');
    if (!word) continue;
    out.push({ word: normaliseHesitation(word), pauseBefore: pause, pauseAfter: false, sentenceStart: start, sentenceEnd: false });
    pause = false;
    start = false;
  }
  const last = out[out.length - 1];
  if (last) last.sentenceEnd = true;
  return out;
}

/** Recognisers and people spell hesitations with extra letters: "umm", "uhh", "errr", "ahh", "euhh", "ähm". */
export function normaliseHesitation(word: string): string {
  if (/^u+m+$/.test(word) || /^h?m{2,}$/.test(word)) return 'um';
  if (/^u+h+$/.test(word)) return 'uh';
  if (/^e+r+m*$/.test(word)) return word.includes('m') ? 'um' : 'er';
  if (/^a+h+$/.test(word)) return 'ah';
  if (/^e+u+h+$/.test(word)) return 'euh';
  if (/^ä+h+m*$/.test(word)) return word.endsWith('m') ? 'ähm' : 'äh';
  if (/^e+h+$/.test(word)) return 'eh';
  if (/^e+m+$/.test(word)) return 'em';
  return word;
}

/** Decides whether the candidate at `i` is a filler here. */
type Rule = (t: Token[], i: number) => boolean;

interface FillerSet {
  /** Always fillers: pure hesitations. */
  hesitations: readonly string[];
  /** Words that are fillers only in some contexts, with the rule that says when. */
  words: Readonly<Record<string, Rule>>;
  /** Multi-word fillers (matched first), with the rule that says when. */
  phrases: Readonly<Record<string, Rule>>;
}

const always: Rule = () => true;
const w = (t: Token[], i: number) => t[i]?.word;
/** Set off on both sides ("it was, like, broken") or standing alone as the whole sentence. */
const setOff = (t: Token[], i: number) =>
  (t[i]!.pauseBefore || t[i]!.sentenceStart) && (t[i]!.pauseAfter || t[i]!.sentenceEnd);

// ---------------------------------------------------------------------------------------------------------------
// English
const EN_HESITATIONS = ['um', 'uh', 'er', 'ah', 'hmm'] as const;
const EN_SUBJECTS = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'people', 'customers', 'who', 'would', "i'd", "you'd", "we'd", "they'd", "he'd", "she'd", 'do', 'does', 'did', "don't", "doesn't", "didn't", 'to', 'really', 'also', 'might', 'may', 'will', "i'll", "we'll", 'should', 'could', 'not']);
const EN_COMPARISON = new Set(['look', 'looks', 'looked', 'looking', 'sound', 'sounds', 'sounded', 'feel', 'feels', 'felt', 'seem', 'seems', 'seemed', 'just', 'more', 'much', 'nothing', 'something', 'anything', 'exactly', 'things', 'stuff', 'most', 'less', 'unlike', 'alike', 'what']);
const EN_OBJECTS = new Set(['this', 'that', 'these', 'those', 'it', 'him', 'her', 'them', 'me', 'us', 'you']);
const EN_BE = new Set(['is', "it's", "that's", 'was', 'were', 'are', "'s", 'be', 'been', "he's", "she's", "they're", "you're", "we're"]);
const EN_ARTICLES = new Set(['a', 'an', 'the']);
const EN_SO_PROFORM = new Set(['think', 'hope', 'guess', 'believe', 'said', 'say', 'says', 'do', 'did', 'does', 'if', 'suppose', 'thought', 'hoped', 'not', 'told', 'tell', 'expect', 'imagine', 'or', 'and']);
const EN_DETERMINERS = new Set(['a', 'an', 'the', 'what', 'which', 'this', 'that', 'these', 'those', 'any', 'some', 'every', 'each', 'no', 'one', 'all', 'same', 'different', 'other', 'another', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'right', 'wrong']);
const EN_AUX = new Set(['do', 'did', 'does', "don't", "didn't", "doesn't", 'would', 'will', 'if', 'as', 'could', 'may', 'might', 'should', 'can', 'what', 'whether', 'than']);
const EN_WH = new Set(['what', 'where', 'how', 'why', 'when', 'who', 'which', 'if', 'whether', 'that']);

const EN: FillerSet = {
  hesitations: EN_HESITATIONS,
  words: {
    /**
     * "so" is a filler when it fills a pause: next to a hesitation or another filler ("so um", "um so", "so yeah",
     * "so like"), trailing at the end ("and so..."), or doubled. It is not when it intensifies ("so sorry", "so much"),
     * connects clauses ("..., so I will refund it"), marks purpose ("so that") or stands for a clause ("I think so").
     */
    so: (t, i) => {
      const prev = w(t, i - 1);
      const next = w(t, i + 1);
      if (prev && EN_SO_PROFORM.has(prev) && (t[i]!.sentenceEnd || t[i]!.pauseAfter || !next)) {
        // "I think so", "if so", "and so..." at the very end: "and so" trailing is a filler, the others are not.
        return prev === 'and' || prev === 'or';
      }
      if (next === 'so' || prev === 'so') return true;
      if (next && (EN_HESITATIONS as readonly string[]).includes(next)) return true;
      if (prev && (EN_HESITATIONS as readonly string[]).includes(prev)) return true;
      if (next === 'yeah' || next === 'like' || next === 'basically' || next === 'anyway' || (next === 'you' && w(t, i + 2) === 'know')) return true;
      if (t[i]!.sentenceEnd && !t[i]!.sentenceStart) return true; // trailing "so..."
      return false;
    },
    /**
     * "like" is a filler when it carries nothing: set off by pauses, next to a hesitation, at the start of a sentence
     * before a clause, or before a number ("like twenty minutes" is vague). It is a verb after a subject or modal
     * ("I like", "would like"), a comparison after "looks", "feels", "something", "just", or before an object
     * ("like this", "like that"), and a simile after "is" + article ("it's like a maze").
     */
    like: (t, i) => {
      const prev = w(t, i - 1);
      const next = w(t, i + 1);
      if (setOff(t, i) && t[i]!.pauseAfter) return true;
      if (prev && (EN_HESITATIONS as readonly string[]).includes(prev)) return true;
      if (next && (EN_HESITATIONS as readonly string[]).includes(next)) return true;
      if (prev && (EN_SUBJECTS.has(prev) || EN_COMPARISON.has(prev))) return false;
      if (next && EN_OBJECTS.has(next)) return false;
      if (prev && EN_BE.has(prev) && next && EN_ARTICLES.has(next)) return false;
      if (!prev && next && EN_SUBJECTS.has(next) && ['said', 'say', 'mentioned'].includes(w(t, i + 2) ?? '')) return false; // "like I said"
      return true;
    },
    basically: always,
    literally: always,
    /** "actually" opening a correction is meaning ("actually, it was the 3rd"); mid-sentence as padding it is a filler. */
    actually: (t, i) => !t[i]!.sentenceStart,
  },
  phrases: {
    /** Not "do you know", "if you know", "you know what / where / how / that". */
    'you know': (t, i) => {
      const prev = w(t, i - 1);
      const next = w(t, i + 2);
      if (prev && EN_AUX.has(prev)) return false;
      if (next && (EN_WH.has(next) || EN_DETERMINERS.has(next)) && !t[i + 1]!.pauseAfter) return false;
      return true;
    },
    /** Not "what I mean is", "I mean it", "I mean that". */
    'i mean': (t, i) => {
      const prev = w(t, i - 1);
      const next = w(t, i + 2);
      if (prev === 'what' || prev === 'do' || prev === 'did' || prev === "don't") return false;
      if ((next === 'it' || next === 'that' || next === 'what' || next === 'to') && !t[i + 1]!.pauseAfter) return false;
      return true;
    },
    /** A hedge, not a noun: "what kind of", "a sort of", "the same kind of" are meaning. */
    'kind of': (t, i) => !EN_DETERMINERS.has(w(t, i - 1) ?? ''),
    'sort of': (t, i) => !EN_DETERMINERS.has(w(t, i - 1) ?? ''),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Spanish, French, German: hesitations and the common pause words, with the noun readings excluded.
const notAfter = (...words: string[]): Rule => (t, i) => !words.includes(w(t, i - 1) ?? '');

const ES: FillerSet = {
  hesitations: ['eh', 'em', 'um', 'mm', 'ah'],
  words: {
    /** "este" as a pause word ("este, no sé"), not the demonstrative ("este cargo"). */
    este: (t, i) => t[i]!.pauseAfter || t[i]!.sentenceEnd,
    pues: (t, i) => t[i]!.sentenceStart || t[i]!.pauseAfter,
    bueno: (t, i) => t[i]!.pauseAfter && !t[i]!.sentenceEnd,
    /** "tipo" as "like", not "un tipo de" (a kind of). */
    tipo: notAfter('un', 'el', 'este', 'ese', 'qué', 'que', 'cualquier', 'mismo'),
    digamos: always,
  },
  phrases: { 'o sea': always, 'en plan': always, 'es que': (t, i) => t[i]!.sentenceStart },
};

const FR: FillerSet = {
  hesitations: ['euh', 'eh', 'hum', 'um', 'bah', 'ben'],
  words: {
    /** "genre" as "like", not "un genre de" / "ce genre". */
    genre: notAfter('un', 'le', 'ce', 'quel', 'quelle', 'mon', 'son', 'du', 'même'),
    /** "quoi" closing a sentence ("c'est bien, quoi"), not the question word. */
    quoi: (t, i) => t[i]!.sentenceEnd && !t[i]!.sentenceStart && t[i]!.pauseBefore,
    bon: (t, i) => (t[i]!.sentenceStart && t[i]!.pauseAfter) || t[i]!.sentenceEnd && t[i]!.pauseBefore,
  },
  phrases: { 'du coup': always, 'en fait': always, 'tu vois': (t, i) => t[i + 1]!.pauseAfter || t[i + 1]!.sentenceEnd, 'tu sais': (t, i) => t[i + 1]!.pauseAfter || t[i + 1]!.sentenceEnd },
};

const DE: FillerSet = {
  hesitations: ['äh', 'ähm', 'öh', 'hm', 'um', 'eh'],
  words: {
    halt: always,
    quasi: always,
    sozusagen: always,
    irgendwie: always,
    /** "also" opening with a pause ("also, äh") is a filler; "also" meaning "so, therefore" mid-sentence is not. */
    also: (t, i) => (t[i]!.sentenceStart && t[i]!.pauseAfter) || (w(t, i + 1) !== undefined && ['äh', 'ähm', 'öh'].includes(w(t, i + 1)!)),
    /** Tag "ne?" / "oder?" at the end of a sentence. */
    ne: (t, i) => t[i]!.sentenceEnd && !t[i]!.sentenceStart,
  },
  phrases: { 'weißt du': (t, i) => t[i + 1]!.pauseAfter || t[i + 1]!.sentenceEnd },
};

const SETS: Readonly<Record<string, FillerSet>> = { en: EN, es: ES, fr: FR, de: DE };

/** Primary language subtag of a BCP 47 tag, when fillers are known for it; English otherwise. */
export function fillerLanguage(tag: string | null | undefined): string {
  const primary = (tag ?? 'en').toLowerCase().split('-')[0]!;
  return primary in SETS ? primary : 'en';
}

/** Filler occurrences in a text, by filler, read in context for the language (BCP 47 tag; English by default). */
export function countFillers(text: string | null | undefined, language = 'en'): Map<string, number> {
  const set = SETS[fillerLanguage(language)]!;
  const t = tokens(text);
  const counts = new Map<string, number>();
  const add = (filler: string) => counts.set(filler, (counts.get(filler) ?? 0) + 1);
  for (let i = 0; i < t.length; i++) {
    const pair = i + 1 < t.length ? `${t[i]!.word} ${t[i + 1]!.word}` : '';
    const phraseRule = pair ? set.phrases[pair] : undefined;
    if (phraseRule) {
      if (phraseRule(t, i)) add(pair);
      i++;
      continue;
    }
    const word = t[i]!.word;
    if (set.hesitations.includes(word)) add(word);
    else if (Object.prototype.hasOwnProperty.call(set.words, word) && set.words[word]!(t, i)) add(word);
  }
  return counts;
}
