import type { ScenarioContent, Script, ScriptNode } from '@parley/contracts';
import type {
  ConversationLine,
  ObjectiveCheckRequest,
  ObjectiveCheckResult,
  ObjectiveChecker,
  OpeningRequest,
  RoleplayReply,
  RoleplayRequest,
  Roleplayer,
  ScriptOutcome,
} from './types';

export const OFFLINE_MODEL = 'offline-script';

/** Lower case, accents dropped, anything but letters and digits turned into single spaces. */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether `keyword` (a word or phrase) occurs in `text` as whole words, both already normalised. */
function containsPhrase(text: string, keyword: string): boolean {
  return keyword.length > 0 && ` ${text} `.includes(` ${keyword} `);
}

export interface ScriptPosition {
  node: ScriptNode;
  /** What the persona says at this point. */
  line: string;
  /** The outcome of the current node, once one that decides the objectives is reached. */
  outcome?: ScriptOutcome;
}

/**
 * Replays the trainee's lines through the script from its start node. The position depends only on the history,
 * so the script roleplayer keeps no state and asking twice gives the same answer.
 *
 * - A trainee line that contains a keyword of one of the current node's routes (first route wins) moves to that
 *   route's node, which then says its next `say` line (cycling, counted per node).
 * - Otherwise the persona stays and says the node's next fallback line (cycling, counted per node).
 */
export function walkScript(script: Script, history: readonly ConversationLine[]): ScriptPosition {
  const nodes = new Map(script.nodes.map((node) => [node.id, node]));
  const said = new Map<string, number>();
  const fellBack = new Map<string, number>();
  const next = (counts: Map<string, number>, node: ScriptNode, lines: string[]) => {
    const count = counts.get(node.id) ?? 0;
    counts.set(node.id, count + 1);
    return lines[count % lines.length];
  };

  let node = nodes.get(script.start) as ScriptNode; // the schema guarantees the start node exists
  let line = next(said, node, node.say);
  for (const entry of history) {
    if (entry.speaker !== 'trainee') continue;
    const text = normalise(entry.text);
    const route = node.routes.find((r) => r.keywords.some((keyword) => containsPhrase(text, normalise(keyword))));
    const target = route && nodes.get(route.next);
    if (target) {
      node = target;
      line = next(said, node, node.say);
    } else {
      line = next(fellBack, node, node.fallback);
    }
  }
  return { node, line, outcome: node.outcome };
}

/** For scenarios without a script: the persona introduces itself and keeps the trainee talking. */
export function defaultScript(scenario: ScenarioContent): Script {
  const { name, role } = scenario.persona;
  return {
    start: 'talk',
    nodes: [
      {
        id: 'talk',
        say: [`Hello, I'm ${name}, ${role}. What can I do for you?`],
        routes: [],
        fallback: [
          'I see. Can you tell me more about that?',
          'Go on, I am listening.',
          'Why does that matter to you?',
          'What would you suggest, then?',
        ],
      },
    ],
  };
}

function positionOf(scenario: ScenarioContent, history: readonly ConversationLine[]): ScriptPosition {
  return walkScript(scenario.script ?? defaultScript(scenario), history);
}

/** The offline roleplayer: the scenario's branching script (SPEC §6). */
export class ScriptRoleplayer implements Roleplayer {
  readonly offline = true;

  opening(request: OpeningRequest): Promise<RoleplayReply> {
    return this.reply({ ...request, history: [] });
  }

  async reply({ scenario, history, signal, onDelta }: RoleplayRequest): Promise<RoleplayReply> {
    signal?.throwIfAborted();
    const started = performance.now();
    const { line, outcome } = positionOf(scenario, history);
    if (onDelta) {
      // Word by word, yielding between words, so a streamed reply behaves like a model's (and can be cancelled).
      const words = line.split(/(?<=\s)/);
      for (const word of words) {
        signal?.throwIfAborted();
        onDelta({ text: word, attempt: 1 });
        await new Promise<void>((next) => setImmediate(next));
      }
    }
    return { text: line, model: OFFLINE_MODEL, offline: true, firstTokenMs: Math.round(performance.now() - started), outcome };
  }
}

/** The offline objective check: the outcome of the script node the conversation has reached. */
export class ScriptObjectiveChecker implements ObjectiveChecker {
  readonly offline = true;

  async check({ scenario, history, signal }: ObjectiveCheckRequest): Promise<ObjectiveCheckResult> {
    signal?.throwIfAborted();
    const { node, outcome } = positionOf(scenario, history);
    return {
      outcome: outcome ?? 'continue',
      rationale: outcome
        ? `The conversation reached the script step "${node.id}", which ends the scenario.`
        : `The conversation is at the script step "${node.id}"; the objectives are still open.`,
      model: OFFLINE_MODEL,
      offline: true,
    };
  }
}
