import { z } from 'zod';
import { MAX_PAGE } from './session';

export const ScenarioCategory = z.enum([
  'sales',
  'customer_support',
  'management',
  'interviews',
  'language',
  'negotiation',
  'healthcare',
]);
export type ScenarioCategory = z.infer<typeof ScenarioCategory>;

export const Difficulty = z.enum(['beginner', 'intermediate', 'advanced']);
export type Difficulty = z.infer<typeof Difficulty>;

export const ScenarioStatus = z.enum(['draft', 'published']);
export type ScenarioStatus = z.infer<typeof ScenarioStatus>;

const text = z.string().trim().min(1);

export const PersonaSchema = z.object({
  name: text.max(80),
  role: text.max(120),
  background: text.max(2000),
  /** A synthesis voice name; providers map names they do not know to their default voice. */
  voice: text.max(40),
});
export type Persona = z.infer<typeof PersonaSchema>;

export const ObjectiveSchema = z.object({
  id: text.max(60),
  description: text.max(500),
  successCriteria: z.array(text.max(300)).min(1),
});
export type Objective = z.infer<typeof ObjectiveSchema>;

export const EndCriteriaSchema = z.object({
  maxDurationSec: z.number().int().min(10).max(7200),
  idleTimeoutSec: z.number().int().min(5).max(1800),
  /** Trainee turns after which the session ends with `max_turns`. */
  maxTurns: z.number().int().min(1).max(200),
  objectiveMet: text.max(500),
  objectiveFailed: text.max(500),
});
export type EndCriteria = z.infer<typeof EndCriteriaSchema>;

/**
 * The offline roleplayer: a graph of persona lines. A trainee utterance that contains one of a route's keywords
 * (case-insensitive, whole words or phrases) moves to that route's node; otherwise the node's fallback lines are
 * used in turn. Reaching a node with an `outcome` decides the objectives.
 */
export const ScriptRouteSchema = z.object({
  intent: text.max(60),
  keywords: z.array(text.max(60)).min(1),
  next: text.max(60),
});
export type ScriptRoute = z.infer<typeof ScriptRouteSchema>;

export const ScriptNodeSchema = z.object({
  id: text.max(60),
  say: z.array(text.max(1000)).min(1),
  routes: z.array(ScriptRouteSchema).default([]),
  fallback: z.array(text.max(1000)).min(1),
  outcome: z.enum(['objective_met', 'objective_failed']).optional(),
});
export type ScriptNode = z.infer<typeof ScriptNodeSchema>;

export const ScriptSchema = z
  .object({
    start: text.max(60),
    nodes: z.array(ScriptNodeSchema).min(2),
  })
  .superRefine((script, ctx) => {
    const ids = new Set(script.nodes.map((n) => n.id));
    if (ids.size !== script.nodes.length) ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'node ids must be unique' });
    if (!ids.has(script.start)) ctx.addIssue({ code: 'custom', path: ['start'], message: `no node "${script.start}"` });
    script.nodes.forEach((node, i) =>
      node.routes.forEach((route, j) => {
        if (!ids.has(route.next)) {
          ctx.addIssue({ code: 'custom', path: ['nodes', i, 'routes', j, 'next'], message: `no node "${route.next}"` });
        }
      }),
    );
  });
export type Script = z.infer<typeof ScriptSchema>;

/** Everything a published scenario must have; session creation refuses a scenario that fails this. */
export const ScenarioContentSchema = z.object({
  title: text.max(120),
  summary: text.max(1000),
  category: ScenarioCategory,
  difficulty: Difficulty,
  /** BCP 47 tag, e.g. en-US. */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as en-US'),
  tags: z.array(text.max(40)).max(20).default([]),
  persona: PersonaSchema,
  traineeRole: text.max(1000),
  objectives: z.array(ObjectiveSchema).min(1),
  endCriteria: EndCriteriaSchema,
  /** Skill ids assessed by the evaluation. */
  skills: z.array(text.max(60)).min(1),
  openingInstruction: text.max(2000),
  script: ScriptSchema.optional(),
  /** Free practice: the template's or the trainee's own system prompt, used instead of the persona brief. */
  systemPrompt: text.max(4000).optional(),
});
export type ScenarioContent = z.infer<typeof ScenarioContentSchema>;

/** A draft may lack anything, but what it has must be well-formed. */
export const ScenarioDraftSchema = ScenarioContentSchema.extend({
  persona: PersonaSchema.partial(),
  endCriteria: EndCriteriaSchema.partial(),
}).partial();
export type ScenarioDraft = z.infer<typeof ScenarioDraftSchema>;

export interface ScenarioView extends ScenarioDraft {
  id: string;
  version: number;
  status: ScenarioStatus;
  /** Rough length of a practice, from the end criteria. */
  estimatedMinutes: number | null;
  /**
   * True when practices are played by the offline branching script rather than a model (shown to trainees); null
   * when the turn-pipeline, which decides it, did not answer.
   */
  offlineRoleplayer: boolean | null;
  createdAt: string;
  updatedAt: string;
}

export const SkillSchema = z.object({
  id: text.max(60),
  name: text.max(80),
  description: text.max(500),
  /** What each rating means, keys "1".."5". */
  rubric: z.record(z.enum(['1', '2', '3', '4', '5']), text.max(500)),
});
export type Skill = z.infer<typeof SkillSchema>;

export interface PromptTemplateView {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
}

export const ScenarioListQuerySchema = z.object({
  search: z.string().trim().max(200).optional(),
  category: ScenarioCategory.optional(),
  difficulty: Difficulty.optional(),
  skill: z.string().trim().max(60).optional(),
  language: z.string().trim().max(35).optional(),
  /** Authors may list drafts; trainees only ever see published scenarios. */
  status: ScenarioStatus.optional(),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ScenarioListQuery = z.infer<typeof ScenarioListQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** What a trainee may see of a scenario: everything but the branching script, whose keywords and outcomes are for authors. */
export function withoutScript<T extends { script?: unknown }>(content: T): Omit<T, 'script'> {
  const { script: _script, ...visible } = content;
  return visible;
}

/** The turn-pipeline's answer to `pipeline.roleplayer_info`: how it plays personas. */
export interface RoleplayerInfo {
  offline: boolean;
  model: string;
}
