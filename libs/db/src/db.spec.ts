/**
 * @parley/db against a real Postgres: a database of its own whose name contains "test" (parley_db_test on the
 * server of TEST_DATABASE_URL / DATABASE_URL, else 127.0.0.1:5432), migrated with the real migrations through the
 * offline Prisma CLI path, seeded with the real seed data.
 */
import {
  SessionMode as ContractSessionMode,
  SessionStatus as ContractSessionStatus,
  Speaker as ContractSpeaker,
  TerminationReason as ContractTerminationReason,
  TranscriptionStatus as ContractTranscriptionStatus,
} from '@parley/contracts';
import {
  EvaluationStatus,
  SessionMode,
  SessionStatus,
  Speaker,
  TerminationReason,
  TranscriptionStatus,
  type PrismaClient,
} from './generated/prisma/client';
import { createPrismaClient } from './client';
import { migrateDatabase, runPrismaCli } from './migrate';
import {
  CHARACTER_COLUMN_TYPE,
  createMigrationAdapterFactory,
  databaseName,
  dropDatabase,
  ensureDatabase,
  withDatabase,
} from './pg';
import { sameContent, scenarioColumns } from './scenario-columns';
import { loadSeedData, seedDatabase, SeedDataError, validateSeedData, type SeedData } from './seed';
import { assertTestDatabase } from './test-db';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const url = withDatabase(serverUrl, 'parley_db_test');

let prisma: PrismaClient;

async function tableCounts(client: PrismaClient) {
  return {
    skills: await client.skill.count(),
    promptTemplates: await client.promptTemplate.count(),
    scenarios: await client.scenario.count(),
    scenarioVersions: await client.scenarioVersion.count(),
  };
}

function cloneSeedData(): SeedData {
  return structuredClone(loadSeedData());
}

beforeAll(async () => {
  assertTestDatabase(url);
  await dropDatabase(url);
  expect(await ensureDatabase(url)).toBe(true);
  expect(await ensureDatabase(url)).toBe(false);
  const { durationMs } = await migrateDatabase(url);
  console.log(`migrate deploy on a new database: ${durationMs} ms`);
  prisma = createPrismaClient(url, { max: 4 });
}, 120_000);

afterAll(async () => {
  await prisma?.$disconnect();
});

describe('test database guard', () => {
  it('accepts only database names containing "test"', () => {
    expect(() => assertTestDatabase('postgresql://postgres@127.0.0.1:5432/parley_db_test')).not.toThrow();
    expect(() => assertTestDatabase('postgresql://postgres@127.0.0.1:5432/TEST_x')).not.toThrow();
    expect(() => assertTestDatabase('postgresql://postgres@127.0.0.1:5432/parley')).toThrow(/must contain "test"/);
    expect(() => assertTestDatabase('postgresql://postgres@127.0.0.1:5432/')).toThrow(/names no database/);
    expect(databaseName(url)).toBe('parley_db_test');
  });
});

describe('migrations (offline Prisma CLI)', () => {
  it('are idempotent and report the database up to date', async () => {
    const again = await migrateDatabase(url);
    expect(again.output).toMatch(/No pending migrations/);
    const status = await runPrismaCli(['migrate', 'status'], url);
    expect(status.output).toMatch(/Database schema is up to date/);
    console.log(`migrate deploy (no-op): ${again.durationMs} ms, migrate status: ${status.durationMs} ms`);
    expect(again.durationMs).toBeLessThan(15_000);
  });

  it('reports failures with the CLI output', async () => {
    const missing = withDatabase(serverUrl, 'parley_db_test_missing');
    await dropDatabase(missing);
    await expect(migrateDatabase(missing)).rejects.toThrow(/parley_db_test_missing/);
  });

  it('reads name/"char" catalog columns at runtime and in the schema engine', async () => {
    const rows = await prisma.$queryRaw<Array<{ db: string; kind: string }>>`
      SELECT current_database() AS db, 'c'::"char" AS kind`;
    expect(rows).toEqual([{ db: 'parley_db_test', kind: 'c' }]);

    const adapter = await createMigrationAdapterFactory(url).connect();
    try {
      const result = await adapter.queryRaw({
        sql: `SELECT conname, contype FROM pg_constraint WHERE conname = 'turns_sequence_check'`,
        args: [],
        argTypes: [],
      });
      expect(result.rows).toEqual([['turns_sequence_check', 'c']]);
      expect(result.columnTypes[1]).toBe(CHARACTER_COLUMN_TYPE);
    } finally {
      await adapter.dispose();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ColumnTypeEnum } = require('@prisma/driver-adapter-utils') as { ColumnTypeEnum: { Character: number } };
    expect(CHARACTER_COLUMN_TYPE).toBe(ColumnTypeEnum.Character);
  });
});

describe('enums', () => {
  it('match the contracts', () => {
    expect(Object.values(SessionMode).sort()).toEqual([...ContractSessionMode.options].sort());
    expect(Object.values(SessionStatus).sort()).toEqual([...ContractSessionStatus.options].sort());
    expect(Object.values(TerminationReason).sort()).toEqual([...ContractTerminationReason.options].sort());
    expect(Object.values(Speaker).sort()).toEqual([...ContractSpeaker.options].sort());
    expect(Object.values(TranscriptionStatus).sort()).toEqual([...ContractTranscriptionStatus.options].sort());
    expect(Object.values(EvaluationStatus).sort()).toEqual(['failed', 'queued', 'running', 'succeeded']);
  });
});

describe('seed', () => {
  it('loads and validates the real seed data', () => {
    const data = validateSeedData(loadSeedData());
    expect(data.scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(data.scenarios.map((s) => s.category)).size).toBeGreaterThanOrEqual(4);
    expect(data.promptTemplates.map((t) => t.id)).toHaveLength(4);
    expect(data.skills.length).toBeGreaterThan(0);
  });

  it('is idempotent: seeding twice leaves the same rows and versions', async () => {
    const first = await seedDatabase(prisma);
    const afterFirst = await tableCounts(prisma);
    const versionsFirst = await prisma.scenario.findMany({
      select: { id: true, currentVersion: true, publishedVersion: true, status: true, updatedAt: true },
      orderBy: { id: 'asc' },
    });

    const second = await seedDatabase(prisma);
    const afterSecond = await tableCounts(prisma);
    const versionsSecond = await prisma.scenario.findMany({
      select: { id: true, currentVersion: true, publishedVersion: true, status: true, updatedAt: true },
      orderBy: { id: 'asc' },
    });

    const data = validateSeedData(loadSeedData());
    expect(afterFirst).toEqual({
      skills: data.skills.length,
      promptTemplates: data.promptTemplates.length,
      scenarios: data.scenarios.length,
      scenarioVersions: data.scenarios.length,
    });
    expect(afterSecond).toEqual(afterFirst);
    expect(versionsSecond).toEqual(versionsFirst);
    expect(versionsFirst.every((s) => s.status === 'published' && s.currentVersion === 1 && s.publishedVersion === 1)).toBe(true);
    expect(second).toEqual({
      skills: { created: 0, updated: 0, unchanged: data.skills.length },
      promptTemplates: { created: 0, updated: 0, unchanged: data.promptTemplates.length },
      scenarios: { created: 0, updated: 0, unchanged: data.scenarios.length },
    });
    // First run on an empty database creates everything (or, if an earlier test seeded, changes nothing).
    expect(first.scenarios.updated).toBe(0);

    const templates = await prisma.promptTemplate.findMany();
    expect(templates.every((t) => t.ownerId === null && !t.custom)).toBe(true);
  });

  it('stores the scenario content and its searchable columns', async () => {
    const [seed] = validateSeedData(loadSeedData()).scenarios;
    const { id, ...content } = seed;
    const scenario = await prisma.scenario.findUniqueOrThrow({ where: { id }, include: { versions: true } });
    expect(scenario).toMatchObject({ ...scenarioColumns(content), authorId: null });
    expect(scenario.versions).toHaveLength(1);
    expect(sameContent(scenario.versions[0].content, content)).toBe(true);
    expect(scenario.versions[0].publishedAt).toBeInstanceOf(Date);

    const found = await prisma.scenario.findMany({
      where: { status: 'published', objectivesText: { contains: content.objectives[0].description.slice(0, 20), mode: 'insensitive' } },
      select: { id: true },
    });
    expect(found.map((s) => s.id)).toContain(id);
    const bySkill = await prisma.scenario.findMany({ where: { skillIds: { has: content.skills[0] } }, select: { id: true } });
    expect(bySkill.map((s) => s.id)).toContain(id);
  });

  it('adds and publishes a new version when a scenario changed, and bumps a changed rubric', async () => {
    await seedDatabase(prisma);
    const data = cloneSeedData();
    const scenario = data.scenarios[0] as { id: string; title: string };
    const skill = data.skills[0] as { id: string; rubric: Record<string, string> };
    scenario.title = `${scenario.title} (revised)`;
    skill.rubric['3'] = `${skill.rubric['3']} Revised.`;

    const report = await seedDatabase(prisma, data);
    expect(report.scenarios).toMatchObject({ created: 0, updated: 1 });
    expect(report.skills).toMatchObject({ created: 0, updated: 1 });
    const stored = await prisma.scenario.findUniqueOrThrow({ where: { id: scenario.id }, include: { versions: { orderBy: { version: 'asc' } } } });
    expect(stored).toMatchObject({ currentVersion: 2, publishedVersion: 2, status: 'published', title: scenario.title });
    expect(stored.versions.map((v) => v.version)).toEqual([1, 2]);
    expect((stored.versions[0].content as { title: string }).title).not.toBe(scenario.title);
    expect((await prisma.skill.findUniqueOrThrow({ where: { id: skill.id } })).rubricVersion).toBe(2);

    const again = await seedDatabase(prisma, data);
    expect(again.scenarios.updated).toBe(0);
    expect(again.skills.updated).toBe(0);

    // The original data is a change again: version 3 (versions are never rewritten).
    await seedDatabase(prisma);
    const reverted = await prisma.scenario.findUniqueOrThrow({ where: { id: scenario.id } });
    expect(reverted).toMatchObject({ currentVersion: 3, publishedVersion: 3 });
    expect((await prisma.skill.findUniqueOrThrow({ where: { id: skill.id } })).rubricVersion).toBe(3);
  });

  it('fails loudly on invalid data and writes nothing', async () => {
    const before = await tableCounts(prisma);
    const data = cloneSeedData();
    data.scenarios.push({ ...(data.scenarios[0] as object), id: 'Not A Slug', persona: { name: '' } });
    (data.scenarios[1] as { skills: string[] }).skills = ['no-such-skill'];
    data.promptTemplates.push({ id: 'extra', name: 'Extra', description: 'x', systemPrompt: 'y', bogus: true });
    let error: unknown;
    try {
      await seedDatabase(prisma, data);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SeedDataError);
    const message = (error as Error).message;
    expect(message).toMatch(/scenarios\[\d+\] "Not A Slug" at id/);
    expect(message).toMatch(/persona/);
    expect(message).toMatch(/unknown skill "no-such-skill"/);
    expect(message).toMatch(/promptTemplates\[\d+\] "extra"/);
    expect(await tableCounts(prisma)).toEqual(before);
  });
});

describe('sessions, turns and evaluations', () => {
  let scenarioId: string;
  let scenarioVersion: number;

  beforeAll(async () => {
    await seedDatabase(prisma);
    const scenario = await prisma.scenario.findFirstOrThrow({ where: { status: 'published' }, orderBy: { id: 'asc' } });
    scenarioId = scenario.id;
    scenarioVersion = scenario.publishedVersion!;
  });

  async function createSession(userId = 'user-1') {
    const now = new Date();
    return prisma.practiceSession.create({
      data: {
        userId,
        scenarioId,
        scenarioVersion,
        mode: 'turn',
        status: 'active',
        offlineRoleplayer: true,
        clientStartedAt: now,
        startedAt: now,
        clockDriftMs: -120,
        maxDurationAt: new Date(now.getTime() + 600_000),
      },
    });
  }

  function turn(sessionId: string, sequence: number) {
    const startedAt = new Date();
    return {
      sessionId,
      sequence,
      speaker: sequence === 0 ? ('ai' as const) : ('trainee' as const),
      text: sequence === 0 ? 'Hello, thanks for calling.' : null,
      audioKey: `sessions/${sessionId}/turns/${sequence}.mp3`,
      audioBytes: 12_345,
      durationMs: 2_000,
      startedAt,
      endedAt: new Date(startedAt.getTime() + 2_000),
      transcriptionStatus: sequence === 0 ? null : ('pending' as const),
      latency: { llmFirstTokenMs: 120 },
    };
  }

  it('creates a session with defaults and ordered turns', async () => {
    const session = await createSession();
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(session).toMatchObject({ nextSequence: 0, traineeTurnCount: 0, terminationReason: null, endedAt: null });
    await prisma.turn.create({ data: turn(session.id, 0) });
    await prisma.turn.create({ data: turn(session.id, 1) });
    const turns = await prisma.turn.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
    expect(turns.map((t) => [t.sequence, t.speaker, t.interrupted])).toEqual([
      [0, 'ai', false],
      [1, 'trainee', false],
    ]);
    expect(turns[0].latency).toEqual({ llmFirstTokenMs: 120 });
  });

  it('keeps (session, sequence) unique', async () => {
    const session = await createSession();
    await prisma.turn.create({ data: turn(session.id, 0) });
    await expect(prisma.turn.create({ data: turn(session.id, 0) })).rejects.toMatchObject({ code: 'P2002' });
    // createMany with skipDuplicates gives idempotent inserts.
    const again = await prisma.turn.createMany({ data: [turn(session.id, 0), turn(session.id, 1)], skipDuplicates: true });
    expect(again.count).toBe(1);
  });

  it('rejects negative sequences and sizes (check constraints)', async () => {
    const session = await createSession();
    await expect(prisma.turn.create({ data: turn(session.id, -1) })).rejects.toThrow(/turns_sequence_check/);
    await expect(prisma.turn.create({ data: { ...turn(session.id, 1), audioBytes: -5 } })).rejects.toThrow(/turns_sizes_check/);
  });

  it('requires an existing scenario version', async () => {
    await expect(
      prisma.practiceSession.create({
        data: { userId: 'user-1', scenarioId, scenarioVersion: 999, mode: 'text', clientStartedAt: new Date() },
      }),
    ).rejects.toMatchObject({ code: 'P2003' });
  });

  it('allows one evaluation per session', async () => {
    const session = await createSession();
    await prisma.evaluation.create({ data: { sessionId: session.id, userId: session.userId } });
    await expect(prisma.evaluation.create({ data: { sessionId: session.id, userId: session.userId } })).rejects.toMatchObject({
      code: 'P2002',
    });
    const evaluation = await prisma.evaluation.update({
      where: { sessionId: session.id },
      data: {
        status: 'succeeded',
        attempts: { increment: 1 },
        ratings: [{ skillId: 'empathy', rating: 4, note: 'Named the feeling.' }],
        summary: 'Good call.',
        strengths: ['empathy'],
        missingTurns: [3],
        analytics: { talkRatio: 0.5 },
        heuristic: true,
        finishedAt: new Date(),
      },
    });
    expect(evaluation).toMatchObject({ status: 'succeeded', attempts: 1, missingTurns: [3], heuristic: true });
  });

  it('deletes turns and the evaluation with their session', async () => {
    const session = await createSession('user-delete');
    await prisma.turn.createMany({ data: [turn(session.id, 0), turn(session.id, 1), turn(session.id, 2)] });
    await prisma.evaluation.create({ data: { sessionId: session.id, userId: session.userId } });
    await prisma.practiceSession.delete({ where: { id: session.id } });
    expect(await prisma.turn.count({ where: { sessionId: session.id } })).toBe(0);
    expect(await prisma.evaluation.count({ where: { sessionId: session.id } })).toBe(0);
  });

  it('protects scenario versions that sessions used', async () => {
    await createSession();
    await expect(
      prisma.scenarioVersion.delete({ where: { scenarioId_version: { scenarioId, version: scenarioVersion } } }),
    ).rejects.toMatchObject({ code: 'P2003' });
    await expect(prisma.scenario.delete({ where: { id: scenarioId } })).rejects.toBeDefined();
  });

  it('serves history queries by user, newest first, filtered by status', async () => {
    const user = `user-history-${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      await prisma.practiceSession.create({
        data: {
          userId: user,
          scenarioId,
          scenarioVersion,
          mode: 'turn',
          status: i === 2 ? 'active' : 'ended',
          terminationReason: i === 2 ? null : 'manual_stop',
          clientStartedAt: new Date(),
          startedAt: new Date(Date.UTC(2026, 0, 1 + i)),
        },
      });
    }
    const page = await prisma.practiceSession.findMany({
      where: { userId: user, status: 'ended' },
      orderBy: { startedAt: 'desc' },
      take: 20,
      include: { scenario: { select: { title: true } } },
    });
    expect(page.map((s) => s.startedAt?.toISOString())).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    expect(page[0].scenario.title).toBeTruthy();
  });
});
