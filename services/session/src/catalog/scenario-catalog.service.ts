import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  Commands,
  withoutScript,
  type RoleplayerInfo,
  ScenarioContentSchema,
  ScenarioDraftSchema,
  ScenarioListQuerySchema,
  missingFields,
  parseOrThrow,
  type Caller,
  type Page,
  type PromptTemplateView,
  type ScenarioDraft,
  type ScenarioView,
  type Skill,
} from '@parley/contracts';
import { Bus } from '@parley/bus';
import { PRISMA, scenarioColumns, type Prisma, type PrismaClient } from '@parley/db';
import { randomBytes } from 'node:crypto';

type ScenarioWithVersion = Prisma.ScenarioGetPayload<{ include: { versions: true } }>;

const ROLEPLAYER_INFO_TTL_MS = 30_000;

const isAuthor = (caller: Caller) => caller.roles.includes('author');
/**
 * Whether the caller may see and edit the scenario's drafts: an author, on their own scenario or a built-in one
 * (no author). Another author's drafts are not found (SPEC §10): only published versions of theirs are visible.
 */
const editsDrafts = (caller: Caller, row: { authorId: string | null }) =>
  isAuthor(caller) && (row.authorId === null || row.authorId === caller.userId);

/**
 * The scenario catalog: trainees see published versions only; authors also see and edit drafts. Every edit is a
 * new immutable version, and publishing freezes the current one, so a session can always name the exact version
 * it practised.
 */
@Injectable()
export class ScenarioCatalogService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly bus: Bus,
  ) {}

  private roleplayer: { offline: boolean; at: number } | null = null;

  async list(caller: Caller, rawQuery: unknown): Promise<Page<ScenarioView>> {
    const query = parseOrThrow(ScenarioListQuerySchema, rawQuery ?? {}, 'scenario query');
    if (query.status === 'draft' && !isAuthor(caller)) throw new AppError('forbidden', 'Only authors can list drafts');
    const published = query.status !== 'draft';
    const search = query.search?.trim();
    const where: Prisma.ScenarioWhereInput = {
      ...(published
        ? { publishedVersion: { not: null } }
        : { status: 'draft', OR: [{ authorId: null }, { authorId: caller.userId }] }),
      // Free-practice scenarios are private to their trainee and never part of the catalog.
      freePractice: false,
      ...(query.category ? { category: query.category } : {}),
      ...(query.difficulty ? { difficulty: query.difficulty } : {}),
      ...(query.language ? { language: { startsWith: query.language, mode: 'insensitive' } } : {}),
      ...(query.skill ? { skillIds: { has: query.skill } } : {}),
      ...(search
        ? {
            AND: {
              OR: [
                { title: { contains: search, mode: 'insensitive' } },
                { summary: { contains: search, mode: 'insensitive' } },
                { objectivesText: { contains: search, mode: 'insensitive' } },
              ],
            },
          }
        : {}),
    };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.scenario.count({ where }),
      this.prisma.scenario.findMany({
        where,
        orderBy: [{ title: 'asc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        include: { versions: true },
      }),
    ]);
    const offline = await this.offlineRoleplayer();
    return { items: rows.map((row) => this.view(row, published, isAuthor(caller), offline)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(caller: Caller, id: unknown): Promise<ScenarioView> {
    const row = await this.find(id);
    const drafts = editsDrafts(caller, row);
    // Any author reads the published script; only the scenario's own author reads its unpublished versions.
    if (row.publishedVersion !== null) return this.view(row, !drafts, isAuthor(caller), await this.offlineRoleplayer());
    if (!drafts) throw new AppError('not_found', 'No such scenario');
    return this.view(row, false, true, await this.offlineRoleplayer());
  }

  async create(caller: Caller, content: unknown): Promise<ScenarioView> {
    const draft = parseOrThrow(ScenarioDraftSchema, content ?? {}, 'scenario');
    const id = `${slugify(draft.title ?? 'scenario')}-${randomBytes(3).toString('hex')}`;
    const row = await this.prisma.scenario.create({
      data: {
        id,
        status: 'draft',
        currentVersion: 1,
        authorId: caller.userId,
        ...scenarioColumns(draft),
        versions: { create: { version: 1, content: draft as Prisma.InputJsonValue } },
      },
      include: { versions: true },
    });
    return this.view(row, false, true, null);
  }

  async update(caller: Caller, id: unknown, content: unknown): Promise<ScenarioView> {
    const existing = await this.findEditable(caller, id);
    const draft = parseOrThrow(ScenarioDraftSchema, content ?? {}, 'scenario');
    const version = existing.currentVersion + 1;
    const row = await this.prisma.scenario.update({
      where: { id: existing.id, currentVersion: existing.currentVersion },
      data: {
        currentVersion: version,
        status: 'draft',
        // Trainees keep searching the published version until the new one is published.
        ...(existing.publishedVersion === null ? scenarioColumns(draft) : {}),
        versions: { create: { version, content: draft as Prisma.InputJsonValue } },
      },
      include: { versions: true },
    }).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'P2025') throw new AppError('conflict', 'The scenario changed meanwhile; reload and retry');
      throw error;
    });
    return this.view(row, false, true, null);
  }

  async publish(caller: Caller, id: unknown): Promise<ScenarioView> {
    const existing = await this.findEditable(caller, id);
    const content = contentOf(existing, existing.currentVersion);
    const missing = missingFields(ScenarioContentSchema, content);
    if (missing.length) {
      throw new AppError('scenario_incomplete', `The scenario cannot be published yet: ${missing.join(', ')} missing`, { missing });
    }
    const complete = parseOrThrow(ScenarioContentSchema, content, 'scenario');
    const row = await this.prisma.scenario.update({
      where: { id: existing.id },
      data: { status: 'published', publishedVersion: existing.currentVersion, ...scenarioColumns(complete) },
      include: { versions: true },
    });
    return this.view(row, true, true, null);
  }

  async skills(): Promise<Skill[]> {
    const rows = await this.prisma.skill.findMany({ orderBy: { name: 'asc' } });
    return rows.map((s) => ({ id: s.id, name: s.name, description: s.description, rubric: s.rubric as Skill['rubric'] }));
  }

  async templates(caller: Caller): Promise<PromptTemplateView[]> {
    const rows = await this.prisma.promptTemplate.findMany({
      where: { OR: [{ ownerId: null }, { ownerId: caller.userId }] },
      orderBy: [{ custom: 'asc' }, { name: 'asc' }],
    });
    return rows.map(({ id, name, description, systemPrompt }) => ({ id, name, description, systemPrompt }));
  }

  private async find(id: unknown): Promise<ScenarioWithVersion> {
    if (typeof id !== 'string' || !id || id.length > 80) throw new AppError('not_found', 'No such scenario');
    const row = await this.prisma.scenario.findUnique({ where: { id }, include: { versions: true } });
    if (!row || row.freePractice) throw new AppError('not_found', 'No such scenario');
    return row;
  }

  /** A scenario the caller may edit; another author's is not found, like one that does not exist. */
  private async findEditable(caller: Caller, id: unknown): Promise<ScenarioWithVersion> {
    const row = await this.find(id);
    if (!editsDrafts(caller, row)) throw new AppError('not_found', 'No such scenario');
    return row;
  }

  /**
   * Whether practices are played by the offline script: only the turn-pipeline, where the roleplayer runs, knows.
   * Asked briefly and remembered for a while; null when no pipeline answers.
   */
  private async offlineRoleplayer(): Promise<boolean | null> {
    if (this.roleplayer && Date.now() - this.roleplayer.at < ROLEPLAYER_INFO_TTL_MS) return this.roleplayer.offline;
    try {
      const info = await this.bus.request<RoleplayerInfo>(Commands.RoleplayerInfo, {}, undefined, 1_000);
      this.roleplayer = { offline: info.offline, at: Date.now() };
      return info.offline;
    } catch {
      return null;
    }
  }

  /**
   * `published`: show the published version (what trainees practise); otherwise the latest draft. The branching
   * script (its keywords and outcomes) is for authors only.
   */
  private view(row: ScenarioWithVersion, published: boolean, author: boolean, offlineRoleplayer: boolean | null): ScenarioView {
    const version = published && row.publishedVersion !== null ? row.publishedVersion : row.currentVersion;
    const stored = contentOf(row, version);
    const content = author ? stored : withoutScript(stored);
    return {
      ...content,
      id: row.id,
      version,
      status: version === row.publishedVersion ? 'published' : 'draft',
      estimatedMinutes: content.endCriteria?.maxDurationSec ? Math.ceil(content.endCriteria.maxDurationSec / 60) : null,
      offlineRoleplayer,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

function contentOf(row: ScenarioWithVersion, version: number): ScenarioDraft {
  const stored = row.versions.find((v) => v.version === version);
  if (!stored) throw new AppError('internal', `Scenario ${row.id} lacks version ${version}`);
  return stored.content as ScenarioDraft;
}

function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'scenario'
  );
}
