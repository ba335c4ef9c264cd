import {
  MAX_KEY_MOMENTS,
  type EvidenceQuote,
  type KeyMoment,
  type ObjectiveDecision,
  type RubricJudgement,
  type SkillJudgement,
} from '@parley/contracts';
import { sentences, words } from '../analytics/text';
import type { Judge, JudgeInput } from './judgement';
import { decideObjectives, key, type TranscriptLine } from './objectives';
import { GENERIC_SIGNALS, SKILL_SIGNALS, type SignalPattern, type SkillSignals } from './skill-signals';

/** One signal found in one trainee turn: the sentence that shows it is the quote. */
interface Hit {
  turn: number;
  quote: string;
  signal: SignalPattern;
}

/** A skill's rating with everything that went into it. */
export interface SkillScore extends SkillJudgement {
  hits: Hit[];
}

const clamp = (value: number, max: number) => Math.max(1, Math.min(max, Math.round(value)));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const turnsOf = (hits: Hit[]) => {
  const turns = [...new Set(hits.map((h) => h.turn))].sort((a, b) => a - b);
  return `${turns.length === 1 ? 'turn' : 'turns'} ${turns.join(', ')}`;
};
const signed = (points: number) => `${points >= 0 ? '+' : '−'}${Math.abs(Math.round(points * 100) / 100)}`;
const trimQuote = (text: string) => (text.length <= 300 ? text : `${text.slice(0, 297).replace(/\s+\S*$/, '')}…`);

/** The first sentence of a turn that matches, as said (trimmed); undefined when none does. */
function matchingSentence(line: TranscriptLine, pattern: RegExp): string | undefined {
  const all = sentences(line.text);
  const found = all.find((sentence) => pattern.test(sentence.toLowerCase().replace(/[\u2018\u2019]/g, "'")));
  return found ? trimQuote(found) : undefined;
}

/** Words of the AI's turn specific enough that repeating them shows listening: numbers, names, long words. */
const COMMON = new Set(['about', 'again', 'because', 'really', 'there', 'these', 'thing', 'things', 'think', 'would', 'could', 'should', 'which', 'where', 'their', 'thanks', 'thank', 'please', 'sorry', 'right', 'problem', 'actually', 'something', 'anything', 'everything', 'today', 'still', 'just', 'help', 'happy', 'okay', 'going', 'doing', 'being', 'having', 'other', 'person']);
function details(text: string): Set<string> {
  const out = new Set<string>();
  for (const token of text.match(/[\p{L}\p{N}']+/gu) ?? []) {
    const lower = token.toLowerCase();
    if (COMMON.has(lower)) continue;
    if (/\d/.test(token) || lower.length >= 6) out.add(key(lower));
  }
  return out;
}

/** Rates one skill from the trainee's words, the analytics and the objectives; every point has a reason. */
export function scoreSkill(
  skill: JudgeInput['skills'][number],
  input: JudgeInput,
  objectives: ObjectiveDecision[],
  personaFirstName: string | undefined,
): SkillScore {
  const signals: SkillSignals = SKILL_SIGNALS[skill.id] ?? GENERIC_SIGNALS;
  const language = (input.scenario.language ?? 'en').toLowerCase().split('-')[0]!;
  const patterns = [...(signals.patterns[language] ?? [])];
  if (skill.id === 'professional-tone' && personaFirstName && language === 'en') {
    patterns.push({ id: 'uses-name', label: 'addresses them by name', effect: 'shows', weight: 0.5, pattern: new RegExp(`\\b${personaFirstName.toLowerCase()}\\b`, 'i') });
  }
  const lines = input.transcript.filter((l) => l.speaker === 'trainee' && words(l.text).length > 0);
  const firstTurn = new Map<string, number>();
  const raw: Hit[] = [];
  for (const signal of patterns) {
    for (const line of lines) {
      const quote = matchingSentence(line, signal.pattern);
      if (!quote) continue;
      raw.push({ turn: line.sequence, quote, signal });
      if (!firstTurn.has(signal.id)) firstTurn.set(signal.id, line.sequence);
    }
  }
  const hits = raw.filter((h) => {
    const until = h.signal.onlyBefore ? firstTurn.get(h.signal.onlyBefore) : undefined;
    return until === undefined || h.turn < until;
  });
  if (signals.detailPickup) {
    const detail: SignalPattern = { id: 'picks-up-detail', label: 'picks up a detail they gave', effect: 'shows', weight: signals.detailPickup, pattern: /$^/ };
    for (const line of lines) {
      const before = [...input.transcript].reverse().find((l) => l.speaker === 'ai' && l.sequence < line.sequence);
      if (!before) continue;
      const given = details(before.text);
      const sentence = sentences(line.text).find((s) => words(s).some((w) => (/\d/.test(w) || w.length >= 6) && given.has(key(w))));
      if (sentence) hits.push({ turn: line.sequence, quote: trimQuote(sentence), signal: detail });
    }
  }

  const reasons: string[] = [];
  let points = signals.base;
  const bySignal = new Map<string, Hit[]>();
  for (const hit of hits) bySignal.set(hit.signal.id, [...(bySignal.get(hit.signal.id) ?? []), hit]);
  let severe: Hit | undefined;
  for (const group of bySignal.values()) {
    const signal = group[0]!.signal;
    const counted = Math.min(new Set(group.map((h) => h.turn)).size, 2);
    const value = signal.weight * counted * (signal.effect === 'shows' ? 1 : -1);
    points += value;
    reasons.push(`${signed(value)} ${signal.label} (${turnsOf(group)})`);
    if (signal.effect === 'hurts' && signal.weight >= 1.5 && !severe) severe = group[0];
  }
  const traineeTurns = lines.length;
  const wordsPerTurn = traineeTurns ? Math.round((input.analytics.traineeWords / traineeTurns) * 10) / 10 : null;
  for (const signal of signals.analytics?.(input.analytics, { traineeTurns, wordsPerTurn }) ?? []) {
    points += signal.points;
    reasons.push(`${signed(signal.points)} ${signal.reason}`);
  }
  if (objectives.length && signals.objectivesWeight > 0) {
    const met = objectives.filter((o) => o.achieved).length;
    const value = signals.objectivesWeight * ((2 * met) / objectives.length - 1);
    points += value;
    reasons.push(`${signed(value)} ${met} of ${plural(objectives.length, 'objective')} met`);
  }

  const shown = hits.filter((h) => h.signal.effect === 'shows');
  const evidenceTurns = new Set(shown.map((h) => h.turn)).size;
  let cap = evidenceTurns === 0 ? 3 : evidenceTurns < 3 ? 4 : 5;
  let capReason =
    evidenceTurns === 0
      ? patterns.length
        ? 'at most 3 without a phrase that shows it'
        : `at most 3: no ${language} phrases are declared for this skill, so only the analytics and objectives count`
      : evidenceTurns < 3
        ? `at most 4: a 5 needs it shown in at least 3 of your turns (found in ${plural(evidenceTurns, 'turn')})`
        : '';
  if (severe) {
    cap = Math.min(cap, 2);
    capReason = `at most 2: ${severe.signal.label} in turn ${severe.turn}`;
  }
  const rating = clamp(points, cap);
  if (Math.round(points) > rating && capReason) reasons.push(`Rated ${capReason}.`);
  const missing = patterns.filter((p) => p.effect === 'shows' && p.example && !bySignal.has(p.id)).sort((a, b) => b.weight - a.weight)[0];
  if (missing) reasons.push(`Not heard: ${missing.label}, e.g. “${missing.example}”`);
  if (!patterns.length) reasons.push(`Looks for ${signals.lookingFor}.`);

  const evidence: EvidenceQuote[] = [...hits]
    .sort((a, b) => b.signal.weight - a.signal.weight || a.turn - b.turn)
    .filter((h, i, all) => all.findIndex((o) => o.turn === h.turn && o.quote === h.quote && o.signal.effect === h.signal.effect) === i)
    .slice(0, 6)
    .sort((a, b) => a.turn - b.turn)
    .map((h) => ({ turn: h.turn, quote: h.quote, effect: h.signal.effect === 'shows' ? 'earned' : 'cost', signal: h.signal.label }));

  const best = [...shown].sort((a, b) => b.signal.weight - a.signal.weight)[0];
  const worst = hits.filter((h) => h.signal.effect === 'hurts').sort((a, b) => b.signal.weight - a.signal.weight)[0];
  const lead = [
    best ? `Best evidence: ${best.signal.label} (turn ${best.turn})` : `No phrase showed ${signals.lookingFor}`,
    worst ? `but ${worst.signal.label} (turn ${worst.turn})` : '',
  ].filter(Boolean).join(', ');
  const note = `${lead}. ${rating}/5 on the rubric: ${skill.rubric[String(rating)] ?? ''}`.trim().slice(0, 1000);
  return { skillId: skill.id, rating, note, reasons: reasons.slice(0, 8), evidence, hits };
}

const FEELING = /\b(?:frustrat\w*|worr\w*|upset|angry|annoy\w*|concern\w*|stress\w*|disappoint\w*|nervous|anxious|scared|afraid|confus\w*|unhappy|fed up|overwhelm\w*|exhausted|tired)\b/i;
const ACKNOWLEDGING = new Set(['names-feeling', 'validates', 'apology', 'acknowledges', 'paraphrase', 'acknowledges-objection']);

/** Up to five turns that mattered most: objective decisions, the best line, a setback, a missed opportunity. */
export function keyMoments(input: JudgeInput, scores: SkillScore[], objectives: ObjectiveDecision[]): KeyMoment[] {
  const lineOf = new Map(input.transcript.map((l) => [l.sequence, l]));
  const hits = scores.flatMap((s) => s.hits);
  const candidates: KeyMoment[] = [];
  const weightIn = (turn: number, effect: 'shows' | 'hurts') => hits.filter((h) => h.turn === turn && h.signal.effect === effect).reduce((n, h) => n + h.signal.weight, 0);
  const turns = [...new Set(hits.map((h) => h.turn))];

  const bestTurn = turns.filter((t) => weightIn(t, 'shows') >= 1).sort((a, b) => weightIn(b, 'shows') - weightIn(a, 'shows') || a - b)[0];
  if (bestTurn !== undefined) {
    const top = hits.filter((h) => h.turn === bestTurn && h.signal.effect === 'shows').sort((a, b) => b.signal.weight - a.signal.weight);
    const labels = [...new Set(top.map((h) => h.signal.label))].slice(0, 3);
    candidates.push({ turn: bestTurn, kind: 'best_line', quote: top[0]!.quote, note: `Best line: ${labels.join(', ')}.` });
  }
  const setbackTurn = turns.filter((t) => hits.some((h) => h.turn === t && h.signal.effect === 'hurts' && h.signal.weight >= 0.75)).sort((a, b) => weightIn(b, 'hurts') - weightIn(a, 'hurts') || a - b)[0];
  if (setbackTurn !== undefined) {
    const top = hits.filter((h) => h.turn === setbackTurn && h.signal.effect === 'hurts').sort((a, b) => b.signal.weight - a.signal.weight)[0]!;
    candidates.push({ turn: setbackTurn, kind: 'setback', quote: top.quote, note: `This cost you: ${top.signal.label}.` });
  }
  const descriptions = new Map(input.scenario.objectives.map((o) => [o.id, o.description]));
  for (const decision of objectives) {
    if (decision.decidingTurn === null) continue;
    const line = lineOf.get(decision.decidingTurn);
    if (!line) continue;
    const description = (descriptions.get(decision.objectiveId) ?? decision.objectiveId).replace(/[.!]+$/, '');
    candidates.push({
      turn: decision.decidingTurn,
      kind: decision.achieved ? 'objective_met' : 'objective_missed',
      quote: trimQuote(sentences(line.text)[0] ?? line.text),
      note: `${decision.achieved ? 'Objective met' : 'Objective missed'}: ${description}.`,
    });
  }
  for (const ai of input.transcript.filter((l) => l.speaker === 'ai')) {
    const feeling = FEELING.exec(ai.text);
    if (!feeling) continue;
    const reply = input.transcript.find((l) => l.sequence > ai.sequence);
    if (!reply || reply.speaker !== 'trainee' || !words(reply.text).length) continue;
    if (hits.some((h) => h.turn === reply.sequence && ACKNOWLEDGING.has(h.signal.id))) continue;
    candidates.push({
      turn: reply.sequence,
      kind: 'missed_opportunity',
      quote: trimQuote(sentences(reply.text)[0] ?? reply.text),
      note: `${input.scenario.persona.name} sounded ${feeling[0].toLowerCase()} in turn ${ai.sequence}; this reply did not acknowledge it.`,
    });
    break;
  }
  // One moment a turn, the objective decisions first, then the best line, the setback and the missed opportunity.
  const order: Record<KeyMoment['kind'], number> = { objective_missed: 0, best_line: 1, setback: 2, objective_met: 3, missed_opportunity: 4 };
  const chosen: KeyMoment[] = [];
  for (const moment of [...candidates].sort((a, b) => order[a.kind] - order[b.kind] || a.turn - b.turn)) {
    if (chosen.length >= MAX_KEY_MOMENTS || chosen.some((m) => m.turn === moment.turn)) continue;
    chosen.push(moment);
  }
  return chosen.sort((a, b) => a.turn - b.turn);
}

/**
 * The offline scorer: each skill rated from evidence in the trainee's own words (the patterns its declaration in
 * `skill-signals.ts` looks for), the speech analytics that bear on it and the objectives, with the reasons and the
 * quotes behind every rating. Deterministic, so the same transcript always gets the same evaluation; labelled as
 * the offline scorer wherever it is shown.
 */
export class HeuristicJudge implements Judge {
  readonly model = 'offline-heuristic';
  readonly heuristic = true;

  async judge(input: JudgeInput): Promise<RubricJudgement> {
    return scoreOffline(input);
  }
}

export function scoreOffline(input: JudgeInput): RubricJudgement {
  const { scenario, analytics: a } = input;
  const objectives = decideObjectives(scenario.objectives, input.transcript, input.terminationReason);
  const firstName = scenario.persona.name.split(/\s+/)[0];
  const scores = input.skills.map((skill) => scoreSkill(skill, input, objectives, firstName));
  const met = objectives.filter((o) => o.achieved);
  const missed = objectives.filter((o) => !o.achieved);
  const descriptions = new Map(scenario.objectives.map((o) => [o.id, o.description.replace(/[.!]+$/, '')]));
  const names = new Map(input.skills.map((s) => [s.id, s.name]));
  const ranked = [...scores].sort((x, y) => y.rating - x.rating || x.skillId.localeCompare(y.skillId));
  const strongest = ranked[0];
  const weakest = ranked[ranked.length - 1];

  const strengths: string[] = [];
  for (const score of ranked) {
    const best = score.hits.filter((h) => h.signal.effect === 'shows').sort((x, y) => y.signal.weight - x.signal.weight)[0];
    if (best && score.rating >= 3 && strengths.length < 4) strengths.push(`${names.get(score.skillId)}: ${best.signal.label} — “${best.quote}” (turn ${best.turn}).`);
  }
  const improvements: string[] = [];
  for (const score of [...ranked].reverse()) {
    if (score.rating > 3 || improvements.length >= 4) continue;
    const worst = score.hits.filter((h) => h.signal.effect === 'hurts').sort((x, y) => y.signal.weight - x.signal.weight)[0];
    const missing = score.reasons.find((r) => r.startsWith('Not heard: '));
    if (worst) improvements.push(`${names.get(score.skillId)}: avoid “${worst.quote}” (turn ${worst.turn}) (${worst.signal.label}).`);
    else if (missing) improvements.push(`${names.get(score.skillId)}: ${missing.replace(/^Not heard: /, 'try this — ')}.`);
  }
  for (const objective of missed) improvements.push(`Work towards: ${descriptions.get(objective.objectiveId)}.`);
  if (a.fillerWords.perMinute !== null && a.fillerWords.perMinute > 4) {
    improvements.push(`Cut filler words: ${a.fillerWords.count} (${a.fillerWords.mostFrequent.map((f) => `“${f.word}” ×${f.count}`).join(', ')}).`);
  }
  const traineeTurns = input.transcript.filter((l) => l.speaker === 'trainee').length;
  const summary = [
    `Offline scorer (no language model configured): ${met.length} of ${plural(objectives.length, 'objective')} met over ${plural(traineeTurns, 'trainee turn')}.`,
    strongest && weakest && strongest !== weakest
      ? `Strongest: ${names.get(strongest.skillId)} (${strongest.rating}/5); most to gain: ${names.get(weakest.skillId)} (${weakest.rating}/5).`
      : '',
  ].filter(Boolean).join(' ');

  return {
    ratings: scores.map(({ hits: _hits, ...rating }) => rating),
    summary,
    strengths: strengths.slice(0, 10),
    improvements: improvements.slice(0, 10),
    objectives,
    objectivesAchieved: met.map((o) => o.objectiveId),
    objectivesMissed: missed.map((o) => o.objectiveId),
    keyMoments: keyMoments(input, scores, objectives),
  };
}
