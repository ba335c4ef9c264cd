import type { SessionMode, SpeechAnalytics } from '@parley/contracts';
import { countFillers, fillerLanguage, normaliseHesitation } from './fillers';
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
  /** An AI turn the trainee cut off, and how much of it they heard. */
  interrupted?: boolean;
  heardMs?: number | null;
  /** The turn's latency breakdown (contracts `LatencyBreakdown`; realtime adds the LLM generations behind it). */
  latency?: unknown;
}

export interface AnalyticsOptions {
  /** Decides which measures apply; `turn` when unknown. */
  mode?: SessionMode;
  /** The scenario's language (BCP 47), for the filler words; English when unknown. */
  language?: string;
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

export { countFillers };

/** How long a turn was spoken: its measured duration, else its timestamps. */
export function speakingMs(turn: Pick<AnalysedTurn, 'durationMs' | 'startedAt' | 'endedAt'>): number {
  if (turn.durationMs !== null && turn.durationMs >= 0) return turn.durationMs;
  return Math.max(0, turn.endedAt.getTime() - turn.startedAt.getTime());
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const perMinute = (count: number, ms: number) => (ms > 0 ? round(count / (ms / 60_000), 1) : null);
const average = (values: number[]) => (values.length ? Math.round(values.reduce((sum, n) => sum + n, 0) / values.length) : null);
const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

const CANCELLED = new Set(['cancelled', 'canceled', 'aborted', 'superseded', 'interrupted']);

/** LLM generations of a turn that were cancelled (realtime records them in the turn's latency JSON). */
function cancelledGenerations(latency: unknown): number {
  const generations = (latency as { generations?: unknown } | null | undefined)?.generations;
  if (!Array.isArray(generations)) return 0;
  return generations.filter((g) => CANCELLED.has(String((g as { outcome?: unknown } | null)?.outcome ?? ''))).length;
}

/** How long the AI took to answer a turn: speech end → audio in voice modes, first token in text mode. */
function aiLatency(latency: unknown, mode: SessionMode): number | null {
  const l = latency as { speechEndToAudioMs?: unknown; llmFirstTokenMs?: unknown } | null | undefined;
  const value = mode === 'text' ? (l?.llmFirstTokenMs ?? l?.speechEndToAudioMs) : l?.speechEndToAudioMs;
  return typeof value === 'number' && value >= 0 ? value : null;
}

/**
 * Deterministic speech analytics of a session (SPEC §3), from turns and their timings only:
 * - talk ratio: the trainee's share of all speaking time (null when nobody spoke);
 * - words per minute and fillers per minute over the speaking time of trainee turns that have a transcript (null
 *   without one); fillers are read in context and in the scenario's language;
 * - longest monologue: the longest single trainee turn, with its word count (null when the trainee never spoke);
 * - questions: trainee sentences that end with "?" or open with an interrogative ("what...", "could you...");
 * - response latency: trainee turn start minus the end of the AI turn just before it, when positive (typing time in
 *   text mode); the AI's own latency from the turns' latency breakdowns;
 * - interruptions (voice modes): AI turns the trainee cut off, with how much of them was heard;
 * - cancellations (realtime): AI generations cancelled before they were spoken.
 */
export function speechAnalytics(input: readonly AnalysedTurn[], options: AnalyticsOptions = {}): SpeechAnalytics {
  const mode: SessionMode = options.mode ?? 'turn';
  const language = fillerLanguage(options.language);
  const turns = [...input].sort((a, b) => a.sequence - b.sequence);
  let traineeSpeakingMs = 0;
  let aiSpeakingMs = 0;
  let transcribedMs = 0;
  let traineeWords = 0;
  let longest: { ms: number; words: number } | null = null;
  let questionsAsked = 0;
  const fillers = new Map<string, number>();
  const byTurn: Array<{ turn: number; count: number }> = [];
  const latencies: number[] = [];
  const aiLatencies: number[] = [];
  const interrupted: AnalysedTurn[] = [];
  const cancelled: number[] = [];
  let traineeTurns = 0;

  turns.forEach((turn, index) => {
    const ms = speakingMs(turn);
    if (turn.speaker === 'ai') {
      // An interrupted AI turn was only spoken as far as the trainee heard it.
      aiSpeakingMs += turn.interrupted && typeof turn.heardMs === 'number' ? Math.min(ms, turn.heardMs) : ms;
      if (turn.interrupted) interrupted.push(turn);
      const ai = aiLatency(turn.latency, mode);
      if (ai !== null && turn.sequence > 0) aiLatencies.push(ai);
      if (cancelledGenerations(turn.latency) > 0) cancelled.push(turn.sequence);
      return;
    }
    traineeTurns += 1;
    traineeSpeakingMs += ms;
    const count = words(turn.text).length;
    if (count > 0) {
      transcribedMs += ms;
      traineeWords += count;
    }
    if (!longest || ms > longest.ms || (ms === longest.ms && count > longest.words)) longest = { ms, words: count };
    questionsAsked += sentences(turn.text).filter(isQuestion).length;
    let inTurn = 0;
    for (const [filler, n] of countFillers(turn.text, language)) {
      fillers.set(filler, (fillers.get(filler) ?? 0) + n);
      inTurn += n;
    }
    if (count > 0) byTurn.push({ turn: turn.sequence, count: inTurn });
    if (cancelledGenerations(turn.latency) > 0) cancelled.push(turn.sequence);
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
  const heard = interrupted.map((t) => t.heardMs).filter((n): n is number => typeof n === 'number');
  const monologue = longest as { ms: number; words: number } | null;

  return {
    mode,
    language,
    talkRatio: speakingTotal > 0 ? round(traineeSpeakingMs / speakingTotal, 3) : null,
    traineeSpeakingMs,
    aiSpeakingMs,
    traineeWords,
    wordsPerMinute: perMinute(traineeWords, transcribedMs),
    fillerWords: { count: fillerCount, perMinute: perMinute(fillerCount, transcribedMs), mostFrequent, byTurn },
    longestMonologueMs: monologue?.ms ?? null,
    longestMonologueWords: monologue?.words ?? null,
    questionsAsked,
    averageResponseLatencyMs: average(latencies),
    responseLatency: {
      basis: mode === 'text' ? 'typing' : 'speech',
      samples: latencies.length,
      averageMs: average(latencies),
      medianMs: median(latencies),
      longestMs: latencies.length ? Math.max(...latencies) : null,
    },
    aiResponseLatencyMs: average(aiLatencies),
    interruptions:
      mode === 'text' ? null : { count: interrupted.length, turns: interrupted.map((t) => t.sequence), averageHeardMs: average(heard) },
    cancellations: mode === 'realtime' ? { count: cancelled.length, turns: cancelled } : null,
    traineeTurns,
  };
}
