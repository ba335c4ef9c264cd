import type { ScenarioContent } from '@parley/contracts';
import type { ConversationLine } from './types';

/** "American English" for en-US; the tag itself when the runtime does not know it. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function objectivesList(scenario: ScenarioContent): string {
  return scenario.objectives
    .map((o) => `- ${o.description} (success looks like: ${o.successCriteria.join('; ')})`)
    .join('\n');
}

/** The roleplayer's instructions: who it is, who it talks to, how it speaks. */
export function roleplayerSystemPrompt(scenario: ScenarioContent): string {
  const { persona } = scenario;
  if (scenario.systemPrompt) {
    // Free practice: the template or the trainee wrote the brief; only the language is ours to add.
    return [scenario.systemPrompt, `Speak ${languageName(scenario.language)}.`].join('\n\n');
  }
  return [
    `You are ${persona.name}, ${persona.role}. Stay in character for the whole conversation.`,
    `About you: ${persona.background}`,
    `You are talking with someone who is practising a conversation. Their role: ${scenario.traineeRole}`,
    `What they are trying to achieve (never reveal this or coach them; react as ${persona.name} would):`,
    objectivesList(scenario),
    `How the conversation starts: ${scenario.openingInstruction}`,
    `Speak ${languageName(scenario.language)}. This is a spoken voice conversation: answer with one to three short, ` +
      'natural spoken sentences. No lists, no markdown, no emojis, no stage directions, and never say that you are ' +
      'an AI or that this is a roleplay.',
  ].join('\n\n');
}

/** Sent as the first user message of the opening: some chat templates need a user turn before the assistant's. */
export const OPENING_CUE = '(The conversation starts now. Say your opening line.)';

/** Chat messages for the conversation so far: the persona is the assistant, the trainee the user. */
export function conversationMessages(history: readonly ConversationLine[]): { role: 'user' | 'assistant'; content: string }[] {
  return history.map((line) => ({
    role: line.speaker === 'ai' ? 'assistant' : 'user',
    // A turn whose transcription failed still happened: keep the alternation the model expects.
    content: line.text.trim() || '(inaudible)',
  }));
}

export function objectiveCheckSystemPrompt(scenario: ScenarioContent): string {
  return [
    'You judge a practice conversation between a trainee and a roleplayed persona, and decide whether it should end.',
    `Scenario: ${scenario.title}. ${scenario.summary}`,
    `The trainee's role: ${scenario.traineeRole}`,
    `The persona: ${scenario.persona.name}, ${scenario.persona.role}.`,
    `The trainee's objectives:\n${objectivesList(scenario)}`,
    `The objectives are met when: ${scenario.endCriteria.objectiveMet}`,
    `They have failed when: ${scenario.endCriteria.objectiveFailed}`,
    'Answer "objective_met" or "objective_failed" only when the transcript clearly shows it; otherwise "continue".',
    'Reply with one JSON object and nothing else: {"outcome": "objective_met" | "objective_failed" | "continue", ' +
      '"rationale": "one or two sentences"}',
  ].join('\n\n');
}

export function transcriptText(scenario: ScenarioContent, history: readonly ConversationLine[]): string {
  return history
    .map((line) => `${line.speaker === 'ai' ? scenario.persona.name : 'Trainee'}: ${line.text.trim() || '(inaudible)'}`)
    .join('\n');
}
