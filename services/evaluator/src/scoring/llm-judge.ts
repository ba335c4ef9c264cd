import { RubricJudgementSchema, type RubricJudgement } from '@parley/contracts';
import OpenAI from 'openai';
import type { JudgeEndpoint } from '../config';
import { words } from '../analytics/text';
import type { Judge, JudgeInput } from './judgement';

/** The judge answered, but not with the JSON the schema asks for, every time it was asked. */
export class InvalidJudgementError extends Error {
  constructor(readonly attempts: number, readonly lastProblem: string) {
    super(`The evaluation model did not return valid JSON after ${attempts} attempts: ${lastProblem}`);
    this.name = 'InvalidJudgementError';
  }
}

/**
 * The LLM judge: one chat completion in JSON mode per attempt, validated against {@link RubricJudgementSchema}
 * and required to rate each of the scenario's skills exactly once. Transport failures are retried by the SDK
 * (timeout, retries); invalid answers are asked again up to `attempts` times.
 */
export class LlmJudge implements Judge {
  readonly heuristic = false;
  private readonly client: OpenAI;

  constructor(
    private readonly endpoint: JudgeEndpoint,
    private readonly options: { attempts: number; timeoutMs: number; retries: number },
  ) {
    this.client = new OpenAI({
      baseURL: endpoint.baseUrl,
      apiKey: endpoint.apiKey ?? 'unused',
      timeout: options.timeoutMs,
      maxRetries: options.retries,
    });
  }

  get model(): string {
    return this.endpoint.model;
  }

  async judge(input: JudgeInput): Promise<RubricJudgement> {
    let problem = '';
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      const completion = await this.client.chat.completions.create({
        model: this.endpoint.model,
        response_format: { type: 'json_object' },
        temperature: 0,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: prompt(input) },
        ],
      });
      const content = completion.choices[0]?.message?.content ?? '';
      problem = validate(content, input);
      if (!problem) return RubricJudgementSchema.parse(JSON.parse(content));
    }
    throw new InvalidJudgementError(this.options.attempts, problem);
  }
}

const normalise = (text: string) => words(text).join(' ');

/**
 * '' when `content` is an acceptable judgement; otherwise what is wrong with it. Beyond the schema: every skill rated
 * exactly once, quotes copied from the trainee turn they cite, key moments on real turns, objectives the scenario has.
 */
export function validate(content: string, input: JudgeInput): string {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return 'the answer is not JSON';
  }
  const parsed = RubricJudgementSchema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const judgement = parsed.data;
  const rated = judgement.ratings.map((r) => r.skillId).sort();
  const expected = input.skills.map((s) => s.id).sort();
  if (rated.join(',') !== expected.join(',')) return `ratings must cover exactly the skills ${expected.join(', ')}`;
  const turns = new Map(input.transcript.map((l) => [l.sequence, l]));
  const problems: string[] = [];
  judgement.ratings.forEach((rating, i) =>
    rating.evidence.forEach((quote, j) => {
      const turn = turns.get(quote.turn);
      if (!turn || turn.speaker !== 'trainee') problems.push(`ratings.${i}.evidence.${j}.turn: ${quote.turn} is not a trainee turn`);
      else if (!normalise(turn.text).includes(normalise(quote.quote))) problems.push(`ratings.${i}.evidence.${j}.quote: not the trainee's words in turn ${quote.turn}`);
    }),
  );
  judgement.keyMoments.forEach((moment, i) => {
    const turn = turns.get(moment.turn);
    if (!turn) problems.push(`keyMoments.${i}.turn: there is no turn ${moment.turn}`);
    else if (!normalise(turn.text).includes(normalise(moment.quote))) problems.push(`keyMoments.${i}.quote: not the words of turn ${moment.turn}`);
  });
  const objectives = new Set(input.scenario.objectives.map((o) => o.id));
  judgement.objectives.forEach((decision, i) => {
    if (!objectives.has(decision.objectiveId)) problems.push(`objectives.${i}.objectiveId: no objective "${decision.objectiveId}"`);
    if (decision.decidingTurn !== null && !turns.has(decision.decidingTurn)) problems.push(`objectives.${i}.decidingTurn: there is no turn ${decision.decidingTurn}`);
  });
  return problems.slice(0, 5).join('; ');
}

const SYSTEM_PROMPT = `You are an experienced communication coach evaluating a practice conversation.
Rate the trainee (never the AI roleplayer) on each listed skill from 1 to 5 using the skill's rubric. Back every rating
with reasons and with the trainee's own words: quotes copied exactly from the trainee turn they cite (by its "turn"
number), marked "earned" or "cost". Decide each objective with the turn that decided it (null if none did). Pick up to
5 key moments (best line, missed opportunity, objective met or missed, setback), each with its turn and an exact quote.
Answer with one JSON object only:
{"ratings":[{"skillId":"...","rating":1-5,"note":"...","reasons":["..."],"evidence":[{"turn":3,"quote":"...","effect":"earned|cost","signal":"..."}]}],
"summary":"...","strengths":["..."],"improvements":["..."],
"objectives":[{"objectiveId":"...","achieved":true,"decidingTurn":5,"reason":"..."}],
"keyMoments":[{"turn":5,"kind":"best_line|missed_opportunity|objective_met|objective_missed|setback","quote":"...","note":"..."}]}`;

function prompt(input: JudgeInput): string {
  const { scenario } = input;
  return JSON.stringify({
    scenario: { title: scenario.title, traineeRole: scenario.traineeRole, persona: scenario.persona.role, language: scenario.language },
    mode: input.mode,
    objectives: scenario.objectives.map((o) => ({ id: o.id, description: o.description, successCriteria: o.successCriteria })),
    skills: input.skills.map((s) => ({ skillId: s.id, name: s.name, rubric: s.rubric })),
    endedBecause: input.terminationReason,
    analytics: input.analytics,
    transcript: input.transcript.map((l) => ({ turn: l.sequence, speaker: l.speaker, text: l.text })),
  });
}
