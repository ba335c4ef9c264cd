import type OpenAI from 'openai';
import { z } from 'zod';
import { callProvider, type CallPolicy } from '../call';
import { BadResponseError } from '../errors';
import { objectiveCheckSystemPrompt, transcriptText } from '../prompts';
import type { ObjectiveCheckRequest, ObjectiveCheckResult, ObjectiveChecker } from '../types';

const VerdictSchema = z.object({
  outcome: z.enum(['objective_met', 'objective_failed', 'continue']),
  rationale: z.string().trim().min(1).max(2000),
});

/** Parses the judge's answer; anything but the expected JSON object is a response worth retrying. */
export function parseVerdict(content: string): z.infer<typeof VerdictSchema> {
  // Models asked for JSON sometimes still wrap it in a Markdown code fence.
  const unfenced = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    throw new BadResponseError(`the objective check did not answer JSON: ${JSON.stringify(content.slice(0, 80))}`);
  }
  const verdict = VerdictSchema.safeParse(json);
  if (!verdict.success) {
    const issues = verdict.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BadResponseError(`the objective check answered unexpected JSON: ${issues}`);
  }
  return verdict.data;
}

export interface OpenAiObjectiveCheckerOptions {
  client: OpenAI;
  model: string;
  policy: CallPolicy;
}

/** An LLM judge in JSON mode, validated with zod: invalid answers are retried, then fail as a ProviderError. */
export class OpenAiObjectiveChecker implements ObjectiveChecker {
  readonly offline = false;

  constructor(private readonly options: OpenAiObjectiveCheckerOptions) {}

  async check({ scenario, history, signal }: ObjectiveCheckRequest): Promise<ObjectiveCheckResult> {
    const { client, model, policy } = this.options;
    const verdict = await callProvider('objective_check', policy, signal, async (attempt) => {
      const completion = await client.chat.completions.create(
        {
          model,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: objectiveCheckSystemPrompt(scenario) },
            { role: 'user', content: `Transcript so far:\n${transcriptText(scenario, history)}\n\nYour JSON verdict:` },
          ],
        },
        { signal: attempt.signal },
      );
      return parseVerdict(completion.choices[0]?.message?.content ?? '');
    });
    return { ...verdict, model, offline: false };
  }
}
