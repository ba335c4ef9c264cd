import type OpenAI from 'openai';
import type { ScenarioContent } from '@parley/contracts';
import { callProvider, type CallPolicy } from '../call';
import { BadResponseError, PartialOutputError } from '../errors';
import { conversationMessages, OPENING_CUE, roleplayerSystemPrompt } from '../prompts';
import type { OpeningRequest, RoleplayReply, RoleplayRequest, Roleplayer } from '../types';

export interface OpenAiRoleplayerOptions {
  client: OpenAI;
  model: string;
  policy: CallPolicy;
}

/** The persona played by a chat model, streamed token by token. */
export class OpenAiRoleplayer implements Roleplayer {
  readonly offline = false;

  constructor(private readonly options: OpenAiRoleplayerOptions) {}

  opening({ scenario, signal, onDelta, restartable }: OpeningRequest): Promise<RoleplayReply> {
    return this.complete(scenario, [{ role: 'user', content: OPENING_CUE }], signal, onDelta, restartable);
  }

  reply({ scenario, history, signal, onDelta, restartable }: RoleplayRequest): Promise<RoleplayReply> {
    return this.complete(scenario, conversationMessages(history), signal, onDelta, restartable);
  }

  private async complete(
    scenario: ScenarioContent,
    messages: OpenAI.ChatCompletionMessageParam[],
    signal: AbortSignal | undefined,
    onDelta: RoleplayRequest['onDelta'],
    restartable = true,
  ): Promise<RoleplayReply> {
    const { client, model, policy } = this.options;
    const started = performance.now();
    const result = await callProvider('roleplayer', policy, signal, async (attempt) => {
      const stream = await client.chat.completions.create(
        { model, stream: true, messages: [{ role: 'system', content: roleplayerSystemPrompt(scenario) }, ...messages] },
        { signal: attempt.signal },
      );
      let text = '';
      let firstTokenMs: number | undefined;
      try {
        for await (const chunk of stream) {
          attempt.progress();
          const delta = chunk.choices[0]?.delta?.content;
          if (!delta) continue;
          firstTokenMs ??= performance.now() - started;
          text += delta;
          onDelta?.({ text: delta, attempt: attempt.number });
        }
        // An abort (our idle timer or the caller) ends the SDK's loop without an error.
        attempt.signal.throwIfAborted();
      } catch (error) {
        if (text && onDelta && !restartable) throw new PartialOutputError(error);
        throw error;
      }
      if (!text.trim()) throw new BadResponseError('the model returned an empty reply');
      return { text: text.trim(), firstTokenMs: firstTokenMs ?? performance.now() - started };
    });
    return { text: result.text, model, offline: false, firstTokenMs: Math.round(result.firstTokenMs) };
  }
}
