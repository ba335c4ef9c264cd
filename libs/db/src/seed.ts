/**
 * Idempotent seeding of the built-in skills, prompt templates and published scenarios from the data modules in
 * `libs/db/seed/data/` (compiled to `dist/seed-data/` by the build).
 *
 * - Every record is validated with the contracts' schemas first; any problem fails the whole seed, listing every
 *   problem, before anything is written.
 * - A scenario is created as version 1, published. When its content differs from the stored current version, a new
 *   version is added and published (sessions keep the version they used); the same data again changes nothing.
 * - A skill whose name, description or rubric changed gets `rubricVersion + 1`.
 * - Everything runs in one transaction under an advisory lock, so concurrent seeders do not race.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ScenarioContentSchema, SkillSchema, type ScenarioContent, type Skill } from '@parley/contracts';
import { z } from 'zod';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import { DB_LIB_DIR } from './paths';
import { sameContent, scenarioColumns } from './scenario-columns';

/** Seed ids are slugs: they appear in URLs and logs. */
const SlugSchema = z
  .string()
  .max(60)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lowercase slug such as "sales-discovery-call"');

export const SeedSkillSchema = SkillSchema.extend({ id: SlugSchema }).strict();
export const SeedPromptTemplateSchema = z
  .object({
    id: SlugSchema,
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().min(1).max(500),
    systemPrompt: z.string().trim().min(1).max(20_000),
  })
  .strict();
export const SeedScenarioSchema = ScenarioContentSchema.extend({ id: SlugSchema }).strict();

export type SeedPromptTemplate = z.infer<typeof SeedPromptTemplateSchema>;
export type SeedScenario = { id: string } & ScenarioContent;

/** Seed data as the data modules export it, not yet validated. */
export interface SeedData {
  skills: unknown[];
  promptTemplates: unknown[];
  scenarios: unknown[];
}

export interface ValidSeedData {
  skills: Skill[];
  promptTemplates: SeedPromptTemplate[];
  scenarios: SeedScenario[];
}

export interface SeedCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface SeedReport {
  skills: SeedCounts;
  promptTemplates: SeedCounts;
  scenarios: SeedCounts;
}

export class SeedDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid seed data (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`);
    this.name = 'SeedDataError';
  }
}

/** `dist/seed-data` next to the built code, else the TypeScript sources in `seed/data` (Jest). */
export function seedDataDir(): string {
  const built = path.join(__dirname, 'seed-data');
  if (fs.existsSync(path.join(built, 'skills.js'))) return built;
  return path.join(DB_LIB_DIR, 'seed', 'data');
}

/** Loads `skills`, `promptTemplates` and `scenarios` from the seed data modules. */
export function loadSeedData(dir: string = seedDataDir()): SeedData {
  const load = (file: string, exportName: string): unknown[] => {
    const modulePath = path.join(dir, file);
    let loaded: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(modulePath) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`Cannot load seed data module ${modulePath}: ${(error as Error).message}`);
    }
    const value = loaded[exportName];
    if (!Array.isArray(value)) throw new SeedDataError([`${modulePath} must export an array "${exportName}"`]);
    return value;
  };
  return {
    skills: load('skills', 'skills'),
    promptTemplates: load('templates', 'promptTemplates'),
    scenarios: load('scenarios', 'scenarios'),
  };
}

/** Validates seed data with the contracts' schemas and cross-checks ids; throws SeedDataError listing every problem. */
export function validateSeedData(data: SeedData): ValidSeedData {
  const problems: string[] = [];
  const parseAll = <T>(kind: string, items: unknown[], schema: z.ZodType<T>): T[] => {
    const parsed: T[] = [];
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const id = (item as { id?: unknown } | null)?.id;
      const label = `${kind}[${index}]${typeof id === 'string' ? ` "${id}"` : ''}`;
      const result = schema.safeParse(item);
      if (!result.success) {
        for (const issue of result.error.issues) {
          problems.push(`${label}${issue.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue.message}`);
        }
        return;
      }
      if (typeof id === 'string') {
        if (seen.has(id)) problems.push(`${label}: duplicate id`);
        seen.add(id);
      }
      parsed.push(result.data);
    });
    return parsed;
  };

  const skills = parseAll('skills', data.skills, SeedSkillSchema);
  const promptTemplates = parseAll('promptTemplates', data.promptTemplates, SeedPromptTemplateSchema);
  const scenarios = parseAll('scenarios', data.scenarios, SeedScenarioSchema) as SeedScenario[];

  const skillIds = new Set(skills.map((skill) => skill.id));
  for (const scenario of scenarios) {
    for (const skill of scenario.skills) {
      if (!skillIds.has(skill)) problems.push(`scenarios "${scenario.id}": unknown skill "${skill}"`);
    }
    const objectiveIds = scenario.objectives.map((objective) => objective.id);
    if (new Set(objectiveIds).size !== objectiveIds.length) {
      problems.push(`scenarios "${scenario.id}": objective ids must be unique`);
    }
  }
  if (problems.length) throw new SeedDataError(problems);
  return { skills, promptTemplates, scenarios };
}

/** Any fixed 64-bit key: serialises concurrent seeders. */
const SEED_LOCK_KEY = 7_251_866_190_001n;

/** Seeds (or updates) the built-in records. Returns what it created, updated or left unchanged. */
export async function seedDatabase(prisma: PrismaClient, data: SeedData = loadSeedData()): Promise<SeedReport> {
  const valid = validateSeedData(data);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      return {
        skills: await seedSkills(tx, valid.skills),
        promptTemplates: await seedPromptTemplates(tx, valid.promptTemplates),
        scenarios: await seedScenarios(tx, valid.scenarios),
      };
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

const counts = (): SeedCounts => ({ created: 0, updated: 0, unchanged: 0 });

async function seedSkills(tx: Prisma.TransactionClient, skills: Skill[]): Promise<SeedCounts> {
  const result = counts();
  for (const skill of skills) {
    const data = { name: skill.name, description: skill.description, rubric: skill.rubric as Prisma.InputJsonValue };
    const existing = await tx.skill.findUnique({ where: { id: skill.id } });
    let version: number;
    if (!existing) {
      version = (await tx.skill.create({ data: { id: skill.id, ...data, rubricVersion: 1 } })).rubricVersion;
      result.created++;
    } else if (
      existing.name !== skill.name ||
      existing.description !== skill.description ||
      !sameContent(existing.rubric, skill.rubric)
    ) {
      version = (await tx.skill.update({ where: { id: skill.id }, data: { ...data, rubricVersion: { increment: 1 } } })).rubricVersion;
      result.updated++;
    } else {
      version = existing.rubricVersion;
      result.unchanged++;
    }
    // Every version stays readable: sessions are evaluated against the rubric they started with.
    await tx.skillRubric.upsert({
      where: { skillId_version: { skillId: skill.id, version } },
      create: { skillId: skill.id, version, ...data },
      update: {},
    });
  }
  return result;
}

async function seedPromptTemplates(tx: Prisma.TransactionClient, templates: SeedPromptTemplate[]): Promise<SeedCounts> {
  const result = counts();
  for (const template of templates) {
    const data = {
      name: template.name,
      description: template.description,
      systemPrompt: template.systemPrompt,
      ownerId: null,
      custom: false,
    };
    const existing = await tx.promptTemplate.findUnique({ where: { id: template.id } });
    if (!existing) {
      await tx.promptTemplate.create({ data: { id: template.id, ...data } });
      result.created++;
    } else if (
      existing.name !== data.name ||
      existing.description !== data.description ||
      existing.systemPrompt !== data.systemPrompt ||
      existing.ownerId !== null ||
      existing.custom
    ) {
      await tx.promptTemplate.update({ where: { id: template.id }, data });
      result.updated++;
    } else {
      result.unchanged++;
    }
  }
  return result;
}

async function seedScenarios(tx: Prisma.TransactionClient, scenarios: SeedScenario[]): Promise<SeedCounts> {
  const result = counts();
  for (const { id, ...content } of scenarios) {
    const json = content as unknown as Prisma.InputJsonValue;
    const columns = scenarioColumns(content);
    const now = new Date();
    const existing = await tx.scenario.findUnique({
      where: { id },
      select: { status: true, currentVersion: true, publishedVersion: true },
    });
    if (!existing) {
      await tx.scenario.create({
        data: {
          id,
          status: 'published',
          currentVersion: 1,
          publishedVersion: 1,
          authorId: null,
          ...columns,
          versions: { create: { version: 1, content: json, publishedAt: now } },
        },
      });
      result.created++;
      continue;
    }
    const current = await tx.scenarioVersion.findUnique({
      where: { scenarioId_version: { scenarioId: id, version: existing.currentVersion } },
    });
    if (current && sameContent(current.content, content)) {
      if (existing.status === 'published' && existing.publishedVersion === existing.currentVersion && current.publishedAt) {
        result.unchanged++;
        continue;
      }
      // The current version already holds this content but is not published yet: publish it.
      await tx.scenarioVersion.update({
        where: { scenarioId_version: { scenarioId: id, version: current.version } },
        data: { publishedAt: current.publishedAt ?? now },
      });
      await tx.scenario.update({
        where: { id },
        data: { status: 'published', publishedVersion: current.version, ...columns },
      });
      result.updated++;
      continue;
    }
    const version = existing.currentVersion + 1;
    await tx.scenarioVersion.create({ data: { scenarioId: id, version, content: json, publishedAt: now } });
    await tx.scenario.update({
      where: { id },
      data: { status: 'published', currentVersion: version, publishedVersion: version, ...columns },
    });
    result.updated++;
  }
  return result;
}
