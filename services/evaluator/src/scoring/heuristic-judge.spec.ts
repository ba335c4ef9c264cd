import type { ScenarioContent, SpeechAnalytics } from '@parley/contracts';
import { scenarios } from '../../../../libs/db/seed/data/scenarios';
import { skills as seededSkills } from '../../../../libs/db/seed/data/skills';
import { speechAnalytics, type AnalysedTurn } from '../analytics/speech-analytics';
import { GOOD, POOR } from './fixtures/double-charge';
import { HeuristicJudge, scoreOffline } from './heuristic-judge';
import { judgeSession, notEnoughConversation, type JudgeInput } from './judgement';
import { SKILL_SIGNALS } from './skill-signals';

const scenario = scenarios.find((s) => s.id === 'support-double-charge')! as unknown as ScenarioContent;
const skills = seededSkills.filter((s) => scenario.skills.includes(s.id));

/** Turns 5 s apart, each spoken for 4 s (the AI's) or by its word count at 150 wpm (the trainee's). */
function analyticsOf(lines: JudgeInput['transcript']): SpeechAnalytics {
  let clock = 0;
  const turns: AnalysedTurn[] = lines.map((l) => {
    const ms = l.speaker === 'ai' ? 4000 : Math.round((l.text.split(/\s+/).length / 150) * 60_000);
    const turn = { sequence: l.sequence, speaker: l.speaker, text: l.text, durationMs: ms, startedAt: new Date(clock + 800), endedAt: new Date(clock + 800 + ms) };
    clock += 800 + ms;
    return turn;
  });
  return speechAnalytics(turns, { mode: 'turn', language: scenario.language });
}

const input = (transcript: JudgeInput['transcript'], overrides: Partial<JudgeInput> = {}): JudgeInput => ({
  scenario,
  skills,
  transcript,
  analytics: analyticsOf(transcript),
  terminationReason: 'manual_stop',
  mode: 'turn',
  ...overrides,
});

const rating = (j: ReturnType<typeof scoreOffline>, skillId: string) => j.ratings.find((r) => r.skillId === skillId)!;

describe('offline scorer', () => {
  const good = scoreOffline(input(GOOD));
  const poor = scoreOffline(input(POOR));

  it('declares what it looks for for every seeded skill', () => {
    for (const skill of seededSkills) {
      expect(SKILL_SIGNALS[skill.id]?.patterns.en?.some((p) => p.effect === 'shows')).toBe(true);
    }
  });

  it('rates each skill from its own evidence: the good transcript beats the poor one on every skill', () => {
    for (const skill of scenario.skills) {
      expect(rating(good, skill).rating).toBeGreaterThan(rating(poor, skill).rating);
    }
    expect(rating(good, 'professional-tone').rating).toBeGreaterThanOrEqual(4);
    expect(rating(poor, 'professional-tone').rating).toBeLessThanOrEqual(2);
    // Not one number copied to every skill, and no shared note.
    expect(new Set(good.ratings.map((r) => r.note)).size).toBe(good.ratings.length);
  });

  it('moves only the skill whose evidence changed', () => {
    // The good transcript without the paraphrase and the check in turn 3: active listening drops, problem solving does not.
    const flat = GOOD.map((l) => (l.sequence === 3 ? { ...l, text: 'Thank you. I can see both charges on your account.' } : l));
    const without = scoreOffline(input(flat));
    expect(rating(without, 'active-listening').rating).toBeLessThan(rating(good, 'active-listening').rating);
    expect(rating(without, 'problem-solving').rating).toBe(rating(good, 'problem-solving').rating);
  });

  it('quotes the trainee words that earned or cost each rating, at the right turns', () => {
    const listening = rating(good, 'active-listening');
    expect(listening.evidence).toContainEqual(expect.objectContaining({ turn: 3, effect: 'earned', quote: 'So you were charged 14.99 twice on the 3rd, is that right?' }));
    expect(listening.reasons.join('\n')).toMatch(/paraphrases.*turn 3/);
    const tone = rating(poor, 'professional-tone');
    expect(tone.evidence).toContainEqual(expect.objectContaining({ turn: 7, effect: 'cost', quote: 'Whatever, you should have checked your bank earlier.' }));
    expect(tone.rating).toBe(1);
    expect(tone.evidence).toContainEqual(expect.objectContaining({ turn: 7, effect: 'cost', signal: 'is rude or dismissive' }));
    const solving = rating(good, 'problem-solving');
    expect(solving.evidence).toContainEqual(expect.objectContaining({ turn: 5, effect: 'earned', quote: 'First, I will refund the duplicate charge right now.' }));
    for (const r of [...good.ratings, ...poor.ratings]) {
      for (const e of r.evidence) {
        const line = [...GOOD, ...POOR].filter((l) => l.sequence === e.turn && l.speaker === 'trainee').map((l) => l.text);
        expect(line.some((text) => text.includes(e.quote))).toBe(true);
      }
    }
  });

  it('decides the objectives by turn: met where the trainee covered them, missed where a forbidden ask happened', () => {
    expect(good.objectives).toEqual([
      expect.objectContaining({ objectiveId: 'verify-safely', achieved: true, decidingTurn: 1 }),
      expect.objectContaining({ objectiveId: 'refund-duplicate', achieved: true, decidingTurn: 3 }),
      expect.objectContaining({ objectiveId: 'set-expectations', achieved: true, decidingTurn: 7 }),
    ]);
    expect(poor.objectives.find((o) => o.objectiveId === 'verify-safely')).toMatchObject({ achieved: false, decidingTurn: 5 });
    expect(poor.objectivesMissed).toEqual(['verify-safely', 'refund-duplicate', 'set-expectations']);
  });

  it('picks at most five key moments on real turns: best line, setback, missed opportunity, objective decisions', () => {
    expect(good.keyMoments.length).toBeGreaterThan(0);
    expect(good.keyMoments.length).toBeLessThanOrEqual(5);
    expect(good.keyMoments.map((m) => m.kind)).toContain('best_line');
    expect(poor.keyMoments).toContainEqual(expect.objectContaining({ turn: 5, kind: 'objective_missed' }));
    expect(poor.keyMoments.some((m) => m.kind === 'setback' || m.kind === 'missed_opportunity')).toBe(true);
    for (const moment of [...good.keyMoments, ...poor.keyMoments]) expect([1, 3, 5, 7]).toContain(moment.turn);
  });

  it('labels itself and writes plurals right', () => {
    expect(good.summary).toMatch(/^Offline scorer/);
    const one = scoreOffline(input(GOOD.slice(0, 2)));
    expect(one.summary).toMatch(/over 1 trainee turn\./);
    expect(one.summary).not.toMatch(/1 turns/);
  });

  it('is deterministic', () => {
    expect(scoreOffline(input(GOOD))).toEqual(good);
  });
});

describe('not enough conversation', () => {
  it('declines a session without trainee speech: no ratings, no judge asked, analytics undefined not zero', async () => {
    const judge = { model: 'x', heuristic: false, judge: jest.fn() };
    const silent = [GOOD[0]!];
    const result = await judgeSession(judge, input(silent));
    expect(judge.judge).not.toHaveBeenCalled();
    expect(result).toMatchObject({ notEnoughConversation: true, ratings: [], keyMoments: [] });
    expect(result.summary).toMatch(/^Not enough conversation to score/);
    expect(result.summary).not.toMatch(/rude|sarcastic/i);
    const analytics = analyticsOf(silent);
    expect(analytics).toMatchObject({ talkRatio: 0, wordsPerMinute: null, longestMonologueMs: null, averageResponseLatencyMs: null });
    expect(speechAnalytics([]).talkRatio).toBeNull();
  });

  it('declines under the minimum, and scores from the minimum on', async () => {
    expect(notEnoughConversation(input([GOOD[0]!, { sequence: 1, speaker: 'trainee', text: 'Hello, yes.' }]))?.summary).toMatch(/you said 2 words/);
    expect(notEnoughConversation(input([GOOD[0]!, { sequence: 1, speaker: 'trainee', text: 'Could you tell me your email?' }]))).toBeNull();
    const scored = await judgeSession(new HeuristicJudge(), input(GOOD));
    expect(scored.notEnoughConversation).toBe(false);
    expect(scored.ratings).toHaveLength(4);
  });
});

/** The side-by-side sample of issue 13; `SAMPLE=1 npx jest heuristic-judge` prints it. */
it('lays a good and a poor evaluation side by side, every skill with its reasons', () => {
  const good = scoreOffline(input(GOOD));
  const poor = scoreOffline(input(POOR));
  const col = (text: string) => text.padEnd(70).slice(0, 70);
  const out: string[] = [`${col('GOOD')} | POOR`, `${col(good.summary.slice(0, 70))} | ${poor.summary.slice(0, 70)}`];
  for (const skill of scenario.skills) {
    const g = rating(good, skill);
    const p = rating(poor, skill);
    out.push('', `${col(`${skill}: ${g.rating}/5`)} | ${skill}: ${p.rating}/5`);
    const rows = Math.max(g.reasons.length, p.reasons.length);
    for (let i = 0; i < rows; i++) out.push(`${col(`  ${g.reasons[i] ?? ''}`)} | ${p.reasons[i] ? `  ${p.reasons[i]}` : ''}`);
    const quotes = Math.max(g.evidence.length, p.evidence.length);
    for (let i = 0; i < quotes; i++) {
      const q = (e: (typeof g.evidence)[number] | undefined) => (e ? `  [${e.effect} t${e.turn}] “${e.quote}”` : '');
      out.push(`${col(q(g.evidence[i]))} | ${q(p.evidence[i])}`);
    }
  }
  out.push('', 'OBJECTIVES');
  for (let i = 0; i < good.objectives.length; i++) out.push(`${col(`  ${good.objectives[i]!.reason}`)} | ${poor.objectives[i]!.reason}`);
  out.push('', 'KEY MOMENTS');
  for (let i = 0; i < 5; i++) {
    const m = (k: (typeof good.keyMoments)[number] | undefined) => (k ? `  t${k.turn} ${k.kind}: ${k.note}` : '');
    out.push(`${col(m(good.keyMoments[i]))} | ${m(poor.keyMoments[i])}`);
  }
  out.push('', 'IMPROVEMENTS (poor)', ...poor.improvements.map((s) => `  ${s}`), 'STRENGTHS (good)', ...good.strengths.map((s) => `  ${s}`));
  for (const skill of scenario.skills) expect(out.some((line) => line.startsWith(`${skill}: `))).toBe(true);
  expect(good.improvements.length + poor.improvements.length).toBeGreaterThan(0);
  if (process.env.SAMPLE) process.stdout.write(`${out.join('\n')}\n`);
});
