import { RubricJudgementSchema, type RubricJudgement } from '@parley/contracts';
import OpenAI from 'openai';
import type { JudgeEndpoint } from '../config';
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

/** '' when `content` is an acceptable judgement; otherwise what is wrong with it. */
function validate(content: string, input: JudgeInput): string {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return 'the answer is not JSON';
  }
  const parsed = RubricJudgementSchema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const rated = parsed.data.ratings.map((r) => r.skillId).sort();
  const expected = input.skills.map((s) => s.id).sort();
  if (rated.join(',') !== expected.join(',')) return `ratings must cover exactly the skills ${expected.join(', ')}`;
  return '';
}

const SYSTEM_PROMPT = `You are an experienced communication coach evaluating a practice conversation.
Rate the trainee (never the AI roleplayer) on each listed skill from 1 to 5 using the skill's rubric.
Answer with one JSON object only:
{"ratings":[{"skillId":"...","rating":1-5,"note":"..."}],"summary":"...","strengths":["..."],"improvements":["..."],
"objectivesAchieved":["objective id"],"objectivesMissed":["objective id"]}`;

function prompt(input: JudgeInput): string {
  const { scenario } = input;
  return JSON.stringify({
    scenario: { title: scenario.title, traineeRole: scenario.traineeRole, persona: scenario.persona.role },
    objectives: scenario.objectives.map((o) => ({ id: o.id, description: o.description, successCriteria: o.successCriteria })),
    skills: input.skills.map((s) => ({ skillId: s.id, name: s.name, rubric: s.rubric })),
    endedBecause: input.terminationReason,
    analytics: input.analytics,
    transcript: input.transcript,
  });
}
