import type { Objective, ObjectiveDecision, TerminationReason } from '@parley/contracts';
import { stem, words } from '../analytics/text';

/** A transcript line as the scorers see it; `sequence` is the turn number the replay links to. */
export interface TranscriptLine {
  sequence: number;
  speaker: 'ai' | 'trainee';
  text: string;
}

/** Words that say nothing about an objective's content. */
const STOP = new Set([
  'about', 'after', 'again', 'asks', 'ask', 'that', 'this', 'with', 'from', 'they', 'them', 'their', 'there', 'what', 'when',
  'which', 'while', 'will', 'would', 'could', 'should', 'have', 'does', 'into', 'than', 'then', 'your', 'customer',
  'trainee', 'states', 'state', 'gives', 'give', 'makes', 'make', 'least', 'once', 'also', 'only', 'each', 'other',
  'some', 'such', 'being', 'before', 'other', 'person', 'clearly', 'explicitly', 'says', 'said', 'tells', 'tell',
  'confirms', 'confirm', 'offers', 'offer', 'mentions', 'mention', 'uses', 'explains', 'explain', 'names', 'were',
  'been', 'both', 'more', 'most', 'over', 'under', 'without', 'either', 'whether', 'where', 'these', 'those', 'agent',
]);
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'for', 'any', 'to', 'of', 'in', 'on', 'at', 'by', 'is', 'are', 'be', 'it', 'or', 'and']);

/** Matching key of a word: its stem without a final "e" ("charge" and "charges" meet at "charg"). */
export const key = (word: string) => {
  const stemmed = stem(word);
  return stemmed.length > 4 ? stemmed.replace(/e$/, '') : stemmed;
};

const NEGATION = /\b(?:not|never|without|no|avoid(?:s|ing)?)\b/i;

/** The content words of an objective's criteria (stemmed), and the phrases its criteria forbid ("does not ask for X"). */
export function criteriaTerms(objective: Objective): { required: string[]; forbidden: string[][] } {
  const required: string[] = [];
  const forbidden: string[][] = [];
  for (const criterion of objective.successCriteria) {
    const match = NEGATION.exec(criterion);
    const positive = match ? criterion.slice(0, match.index) : criterion;
    for (const word of words(positive)) {
      if (word.length >= 4 && !STOP.has(word) && /\p{L}|\d/u.test(word)) required.push(key(word));
    }
    if (match) {
      const negative = criterion.slice(match.index + match[0].length);
      for (const part of negative.split(/,|\bor\b|\band\b|;/i)) {
        // "ask for a full card number" → "full card number": what saying would break the criterion.
        const phrase = words(part).filter((w) => !STOP.has(w) && !FUNCTION_WORDS.has(w));
        if (phrase.length > 0 && phrase.length <= 4 && phrase.some((w) => w.length >= 4)) forbidden.push(phrase.map(key));
      }
    }
  }
  return { required: required.filter((w, i, all) => all.indexOf(w) === i), forbidden };
}

const containsPhrase = (said: string[], phrase: string[]) => {
  for (let i = 0; i + phrase.length <= said.length; i++) {
    if (phrase.every((w, j) => said[i + j] === w)) return true;
  }
  return false;
};

/** Share of the criteria words a text covers, at least this much for an objective to count as met. */
export const OBJECTIVE_COVERAGE = 0.3;

/**
 * Decides each objective from the trainee's words, and names the turn that decided it:
 * - met at the first trainee turn by which the trainee's words cover enough of the success criteria (or, when the
 *   session ended with `objective_met`, at the last trainee turn for any objective not decided earlier);
 * - missed at the turn that said what a criterion forbids ("does not ask for a security code"), or at the last
 *   trainee turn when the session ended with `objective_failed`; otherwise missed without a deciding turn, with the
 *   closest attempt named in the reason.
 */
export function decideObjectives(objectives: readonly Objective[], transcript: readonly TranscriptLine[], reason: TerminationReason | null): ObjectiveDecision[] {
  const trainee = transcript.filter((l) => l.speaker === 'trainee' && words(l.text).length > 0);
  const lastTurn = trainee[trainee.length - 1]?.sequence ?? null;
  return objectives.map((objective) => {
    const { required, forbidden } = criteriaTerms(objective);
    const covered = new Set<string>();
    let best: { turn: number; share: number } | null = null;
    for (const line of trainee) {
      const said = words(line.text).map(key);
      const violated = forbidden.find((phrase) => containsPhrase(said, phrase));
      if (violated) {
        return { objectiveId: objective.id, achieved: false, decidingTurn: line.sequence, reason: `Missed in turn ${line.sequence}: this turn asked for or mentioned what the objective rules out (${objective.successCriteria.join('; ')}).` };
      }
      const before = covered.size;
      for (const word of required) if (said.includes(word)) covered.add(word);
      const share = required.length ? covered.size / required.length : 0;
      if (covered.size > before && (!best || share > best.share)) best = { turn: line.sequence, share };
      if (required.length && share >= OBJECTIVE_COVERAGE) {
        const spoken = words(line.text).filter((w, i, all) => required.includes(key(w)) && all.indexOf(w) === i);
        return { objectiveId: objective.id, achieved: true, decidingTurn: line.sequence, reason: `Met in turn ${line.sequence}: you said ${spoken.map((w) => `"${w}"`).join(', ')}.` };
      }
    }
    if (reason === 'objective_met') {
      return { objectiveId: objective.id, achieved: true, decidingTurn: lastTurn, reason: lastTurn === null ? 'Met: the session ended with its objective met.' : `Met: the conversation reached its goal after turn ${lastTurn}.` };
    }
    if (reason === 'objective_failed' && lastTurn !== null) {
      return { objectiveId: objective.id, achieved: false, decidingTurn: lastTurn, reason: `Missed: the other person ended the conversation after turn ${lastTurn}.` };
    }
    const closest = best as { turn: number; share: number } | null;
    return {
      objectiveId: objective.id,
      achieved: false,
      decidingTurn: null,
      reason: closest
        ? `Not reached: closest in turn ${closest.turn}, which covered ${Math.round(closest.share * 100)}% of what it needs.`
        : 'Not reached: it never came up in what you said.',
    };
  });
}
