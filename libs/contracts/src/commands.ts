import { z } from 'zod';
import { Role } from './auth';
import { GenerateRequestSchema } from './generation';
import { Commands, type CommandName } from './messaging';
import { RealtimeEngine, RealtimeSettingsPatchSchema } from './realtime';

const caller = z.object({ userId: z.string().min(1).max(128), roles: z.array(Role).max(8) });
/** Ids are checked by their owners (a malformed one is simply not found); here they only need to be short text. */
const id = z.string().max(200);
const withCaller = z.object({ caller });
const withSession = withCaller.extend({ sessionId: id });
/** Turn audio as base64: 128 KB of MP3 is at most ~175 KB encoded; the session service applies the exact limit. */
const MAX_AUDIO_BASE64 = 200 * 1024;

/**
 * Request envelope of every NATS command, parsed by the bus before a handler runs (the gateway is not the only
 * possible sender). Bodies the owning service validates in detail stay `unknown` here.
 */
export const CommandSchemas = {
  [Commands.ScenarioList]: withCaller.extend({ query: z.unknown() }),
  [Commands.ScenarioGet]: withCaller.extend({ id }),
  [Commands.ScenarioCreate]: withCaller.extend({ content: z.unknown() }),
  [Commands.ScenarioUpdate]: withCaller.extend({ id, content: z.unknown() }),
  [Commands.ScenarioPublish]: withCaller.extend({ id }),
  [Commands.SkillList]: z.object({ caller: caller.optional() }),
  [Commands.TemplateList]: withCaller,
  [Commands.SessionCreate]: withCaller.extend({ body: z.unknown() }),
  [Commands.SessionGet]: withSession,
  [Commands.SessionStop]: withSession,
  [Commands.TurnSubmit]: withSession.extend({ meta: z.unknown(), audioBase64: z.string().max(MAX_AUDIO_BASE64).nullable() }),
  [Commands.TurnGet]: z.object({ sessionId: id, turnId: id }),
  [Commands.SessionList]: withCaller.extend({ query: z.unknown() }),
  [Commands.SessionDelete]: withSession,
  [Commands.SessionPracticeAgain]: withSession.extend({ body: z.unknown() }),
  [Commands.EvaluationGet]: withSession,
  [Commands.EvaluationRequeue]: withSession,
  [Commands.RoleplayerInfo]: z.object({}).passthrough(),
  [Commands.Generate]: GenerateRequestSchema,
  [Commands.RtStart]: withSession.extend({ engine: RealtimeEngine.optional(), settings: RealtimeSettingsPatchSchema.optional() }),
  [Commands.RtPresence]: withSession.extend({ present: z.boolean() }),
  [Commands.LatencyStats]: withSession,
  [Commands.Progress]: withCaller,
  // Length and emptiness are the chat service's to judge (413 vs 422); only a sane upper bound here.
  [Commands.ChatSend]: withSession.extend({ message: z.string().max(64 * 1024) }),
  [Commands.ChatStream]: withCaller.extend({ streamId: z.string().max(200) }),
} as const satisfies Record<CommandName, z.ZodType>;

export type CommandRequest<C extends CommandName> = z.infer<(typeof CommandSchemas)[C]>;
