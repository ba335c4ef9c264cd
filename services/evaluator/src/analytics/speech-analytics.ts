import type { SpeechAnalytics } from '@parley/contracts';
import { sentences, words } from './text';

/** One turn as the analytics see it. */
export interface AnalysedTurn {
  sequence: number;
  speaker: 'ai' | 'trainee';
  /** The AI's words, or the trainee's transcript; null (or empty) when a trainee turn has no transcript. */
  text: string | null;
  /** Measured length of the audio; the turn's timestamps are used when it is unknown. */
  durationMs: number | null;
  startedAt: Date;
  endedAt: Date;
}

/** Counted as fillers, whole words only; the phrases are matched before the single words. */
export const FILLER_PHRASES = ['you know', 'i mean', 'sort of', 'kind of'] as const;
export const FILLER_WORDS = ['um', 'uh', 'er', 'ah', 'like', 'basically', 'actually', 'literally', 'so'] as const;

const FILLER_WORD_SET: ReadonlySet<string> = new Set(FILLER_WORDS);
const FILLER_PHRASE_SET: ReadonlySet<string> = new Set(FILLER_PHRASES);

/** Recognisers and people spell hesitations with extra letters: "umm", "uhh", "errr", "ahh". */
function normaliseHesitation(word: string): string {
  if (/^u+m+$/.test(word)) return 'um';
  if (/^u+h+$/.test(word)) return 'uh';
  if (/^e+r+$/.test(word)) return 'er';
  if (/^a+h+$/.test(word)) return 'ah';
  return word;
}

const INTERROGATIVES: ReadonlySet<string> = new Set(['what', 'why', 'how', 'when', 'where', 'who', 'whom', 'whose', 'which']);
/** Auxiliaries that open a yes/no question when a subject follows ("could you", "is there", "did the"). */
const AUXILIARIES: ReadonlySet<string> = new Set([
  'am', 'is', 'are', 'was', 'were', 'do', 'does', 'did', 'have', 'has', 'had', 'can', 'could', 'will', 'would', 'shall',
  'should', 'may', 'might', "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't",
  "won't", "wouldn't", "can't", "couldn't", "shouldn't",
]);
const SUBJECTS: ReadonlySet<string> = new Set([
  'i', 'you', 'we', 'they', 'he', 'she', 'it', 'there', 'that', 'this', 'these', 'those', 'your', 'my', 'our', 'their',
  'his', 'her', 'its', 'anyone', 'anybody', 'someone', 'somebody', 'anything', 'something', 'everything', 'any', 'the',
  'a', 'an',
]);
/** "Have a nice day" is not a question. */
const HAVE: ReadonlySet<string> = new Set(['have', 'has', 'had']);
/** Words people put in front of a question without changing it: "okay so could you...". */
const LEAD_INS: ReadonlySet<string> = new Set([
  'so', 'and', 'but', 'okay', 'ok', 'well', 'um', 'uh', 'er', 'ah', 'oh', 'alright', 'right', 'now', 'then', 'hi',
  'hello', 'hey', 'yes', 'yeah', 'sure', 'great', 'thanks', 'also', 'sir', 'madam', 'actually', 'just',
]);

/** A sentence is a question when it ends with "?" or opens like one (transcripts carry no punctuation). */
export function isQuestion(sentence: string): boolean {
  if (/\?["')\]]*\s*$/.test(sentence)) return true;
  const ws = words(sentence).map(normaliseHesitation);
  let i = 0;
  while (i < ws.length - 1 && LEAD_INS.has(ws[i]!)) i++;
  const first = ws[i];
  const next = ws[i + 1];
  if (!first) return false;
  if (INTERROGATIVES.has(first)) return true;
  if (!AUXILIARIES.has(first) || !next || !SUBJECTS.has(next)) return false;
  return !(HAVE.has(first) && (next === 'a' || next === 'an'));
}

/** Filler occurrences in a text, by filler. */
export function countFillers(text: string | null | undefined): Map<string, number> {
  const ws = words(text).map(normaliseHesitation);
  const counts = new Map<string, number>();
  const add = (filler: string) => counts.set(filler, (counts.get(filler) ?? 0) + 1);
  for (let i = 0; i < ws.length; i++) {
    const pair = i + 1 < ws.length ? `${ws[i]} ${ws[i + 1]}` : '';
    if (FILLER_PHRASE_SET.has(pair)) {
      add(pair);
      i++;
    } else if (FILLER_WORD_SET.has(ws[i]!)) {
      add(ws[i]!);
    }
  }
  return counts;
}

/** How long a turn was spoken: its measured duration, else its timestamps. */
export function speakingMs(turn: Pick<AnalysedTurn, 'durationMs' | 'startedAt' | 'endedAt'>): number {
  if (turn.durationMs !== null && turn.durationMs >= 0) return turn.durationMs;
  return Math.max(0, turn.endedAt.getTime() - turn.startedAt.getTime());
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const perMinute = (count: number, ms: number) => (ms > 0 ? round(count / (ms / 60_000), 1) : 0);

/**
 * Deterministic speech analytics of a session (SPEC §3), from turns and their timings only:
 * - talk ratio: the trainee's share of all speaking time;
 * - words per minute and fillers per minute over the speaking time of trainee turns that have a transcript;
 * - longest monologue: the longest single trainee turn, with its word count;
 * - questions: trainee sentences that end with "?" or open with an interrogative ("what...", "could you...");
 * - response latency: trainee turn start minus the end of the AI turn just before it, when positive.
 */
export function speechAnalytics(input: readonly AnalysedTurn[]): SpeechAnalytics {
  const turns = [...input].sort((a, b) => a.sequence - b.sequence);
  let traineeSpeakingMs = 0;
  let aiSpeakingMs = 0;
  let transcribedMs = 0;
  let traineeWords = 0;
  let longest: { ms: number; words: number } = { ms: 0, words: 0 };
  let questionsAsked = 0;
  const fillers = new Map<string, number>();
  const latencies: number[] = [];
  let traineeTurns = 0;

  turns.forEach((turn, index) => {
    const ms = speakingMs(turn);
    if (turn.speaker === 'ai') {
      aiSpeakingMs += ms;
      return;
    }
    traineeTurns += 1;
    traineeSpeakingMs += ms;
    const count = words(turn.text).length;
    if (count > 0) {
      transcribedMs += ms;
      traineeWords += count;
    }
    if (ms > longest.ms || (ms === longest.ms && count > longest.words)) longest = { ms, words: count };
    questionsAsked += sentences(turn.text).filter(isQuestion).length;
    for (const [filler, n] of countFillers(turn.text)) fillers.set(filler, (fillers.get(filler) ?? 0) + n);
    const previous = turns[index - 1];
    if (previous?.speaker === 'ai') {
      const latency = turn.startedAt.getTime() - previous.endedAt.getTime();
      if (latency > 0) latencies.push(latency);
    }
  });

  const fillerCount = [...fillers.values()].reduce((sum, n) => sum + n, 0);
  const mostFrequent = [...fillers.entries()]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word))
    .slice(0, 3);
  const speakingTotal = traineeSpeakingMs + aiSpeakingMs;

  return {
    talkRatio: speakingTotal > 0 ? round(traineeSpeakingMs / speakingTotal, 3) : 0,
    traineeSpeakingMs,
    aiSpeakingMs,
    traineeWords,
    wordsPerMinute: perMinute(traineeWords, transcribedMs),
    fillerWords: { count: fillerCount, perMinute: perMinute(fillerCount, transcribedMs), mostFrequent },
    longestMonologueMs: longest.ms,
    longestMonologueWords: longest.words,
    questionsAsked,
    averageResponseLatencyMs: latencies.length
      ? Math.round(latencies.reduce((sum, n) => sum + n, 0) / latencies.length)
      : null,
    traineeTurns,
  };
}
