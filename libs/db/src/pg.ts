/**
 * Postgres plumbing shared by the runtime client (`createPrismaClient`) and the Prisma CLI (`prisma.config.ts`):
 * the `pg` driver adapter with the workarounds the offline WebAssembly path of Prisma 6.19 needs, and helpers to
 * create databases.
 *
 * This file is loaded by the Prisma CLI from TypeScript source (through prisma.config.ts), so it may import only
 * packages, never other `@parley/*` libs.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/** Postgres type ids the driver adapter does not know (prisma/orm#27403) and the text types they read as. */
const CATALOG_TYPE_AS_TEXT: Record<number, number> = {
  18: 25, // "char" → text
  19: 25, // name → text
  1003: 1009, // name[] → text[]
};

const CHAR_OID = 18;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }>; rows?: unknown[] };

/** Indexes of `"char"` columns, keyed by the rows array the driver adapter passes on unchanged. */
const charColumnsByRows = new WeakMap<object, number[]>();

function retypeCatalogColumns<T>(result: T): T {
  for (const part of Array.isArray(result) ? result : [result]) {
    const { fields = [], rows } = (part as QueryResultLike | undefined) ?? {};
    const charColumns: number[] = [];
    fields.forEach((field, index) => {
      if (field.dataTypeID === CHAR_OID) charColumns.push(index);
      const text = CATALOG_TYPE_AS_TEXT[field.dataTypeID];
      if (text !== undefined) field.dataTypeID = text;
    });
    if (charColumns.length && rows) charColumnsByRows.set(rows, charColumns);
  }
  return result;
}

/**
 * A `pg` client whose row descriptions report catalog columns of type `name`/`char` as `text`.
 *
 * `@prisma/adapter-pg` 6.19 throws `UnsupportedNativeDataType` for those type ids, which the WebAssembly schema
 * engine reads while it introspects (`migrate dev`, `migrate diff`), and which any raw query over the catalog
 * returns (`SELECT current_database()`). The values already arrive as strings, so only the type id changes.
 */
export class CatalogSafeClient extends pg.Client {}
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(CatalogSafeClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function query(
  this: pg.Client,
  ...args: unknown[]
): unknown {
  const last = args.length - 1;
  if (last >= 0 && typeof args[last] === 'function') {
    const callback = args[last] as (error: unknown, result: unknown) => void;
    args[last] = (error: unknown, result: unknown) => callback(error, error ? result : retypeCatalogColumns(result));
    return originalQuery.apply(this, args);
  }
  const returned = originalQuery.apply(this, args);
  return returned instanceof Promise ? returned.then(retypeCatalogColumns) : returned;
};

export interface PgAdapterOptions {
  /** Pool size; defaults to `pg`'s 10. */
  max?: number;
  /**
   * Let the process exit while the pool only holds idle connections (unref'd idle timers and sockets). The Prisma
   * CLI never disposes the adapter of prisma.config.ts, so without this each command lingers for the pool's 10 s
   * idle timeout after it finished.
   */
  allowExitOnIdle?: boolean;
  /** Postgres schema to use instead of `public`. */
  schema?: string;
}

/** The Prisma driver adapter over a `pg` pool of catalog-safe clients. */
export function createPgAdapter(databaseUrl: string, options: PgAdapterOptions = {}): PrismaPg {
  const poolConfig: pg.PoolConfig = {
    connectionString: databaseUrl,
    Client: CatalogSafeClient as unknown as new () => pg.ClientBase,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.allowExitOnIdle ? { allowExitOnIdle: true } : {}),
  };
  return new PrismaPg(poolConfig, options.schema ? { schema: options.schema } : undefined);
}

/** `ColumnTypeEnum.Character` of @prisma/driver-adapter-utils 6.19 (checked by db.spec.ts). */
export const CHARACTER_COLUMN_TYPE = 6;

type SqlQueryableLike = Pick<Awaited<ReturnType<PrismaPg['connect']>>, 'queryRaw'>;
type SqlAdapterLike = Awaited<ReturnType<PrismaPg['connect']>>;

function reportCharColumns<T extends SqlQueryableLike>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumnsByRows.get(result.rows) ?? []) result.columnTypes[index] = CHARACTER_COLUMN_TYPE;
    return result;
  };
  return queryable;
}

/**
 * The schema engine reads `"char"` catalog columns (`pg_constraint.contype`) as single characters: reported as
 * text it panics ("RuntimeError: unreachable") as soon as the database has a CHECK constraint. The CLI's
 * connections therefore report them as `Character` columns.
 */
function forSchemaEngine(adapter: SqlAdapterLike): SqlAdapterLike {
  reportCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => reportCharColumns(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * The adapter factory the Prisma CLI uses (`prisma.config.ts`).
 *
 * `connectToShadowDb` of `@prisma/adapter-pg` 6.19 is broken (the generated shadow database name is overridden by
 * the connection string, and it drops that database while its pool is still connected). `migrate dev` therefore
 * gets a pre-created shadow database whose `public` schema is dropped and recreated each time it is used.
 */
export function createMigrationAdapterFactory(
  databaseUrl: string,
  shadowDatabaseUrl: string = deriveShadowDatabaseUrl(databaseUrl),
): Pick<PrismaPg, 'provider' | 'adapterName' | 'connect' | 'connectToShadowDb'> {
  const main = createPgAdapter(databaseUrl, { max: 2, allowExitOnIdle: true });
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => forSchemaEngine(await main.connect()),
    connectToShadowDb: async () => {
      await resetDatabaseSchema(shadowDatabaseUrl);
      return forSchemaEngine(await createPgAdapter(shadowDatabaseUrl, { max: 2, allowExitOnIdle: true }).connect());
    },
  };
}

/** `SHADOW_DATABASE_URL`, else the same server with `<database>_shadow`. */
export function deriveShadowDatabaseUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SHADOW_DATABASE_URL) return env.SHADOW_DATABASE_URL;
  return withDatabase(databaseUrl, `${databaseName(databaseUrl)}_shadow`);
}

/** The database name of a Postgres URL. */
export function databaseName(databaseUrl: string): string {
  const url = parseUrl(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`The database URL names no database: ${redactUrl(databaseUrl)}`);
  return name;
}

/** The same server URL with another database name. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = parseUrl(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The URL without its password, for messages and logs. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<invalid database URL>';
  }
}

function parseUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('The database URL is not a valid URL (expected postgresql://user@host:5432/database)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`The database URL must start with postgresql:// (got ${url.protocol}//)`);
  }
  return url;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs `work` with a single connection to `databaseUrl`, always closing it. */
export async function withConnection<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database of `databaseUrl` when it does not exist yet (connecting to the server's `postgres` database
 * to do so). Returns whether it was created. Safe to call concurrently; a database that already exists is only
 * connected to, so a role without CREATEDB can call it too.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  try {
    await withConnection(databaseUrl, async () => undefined);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000 invalid_catalog_name: no such database
  }
  return withConnection(withDatabase(databaseUrl, 'postgres'), async (admin) => {
    try {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database, 23505 when a concurrent CREATE DATABASE won the race on pg_database.
      const code = (error as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
  });
}

/** Drops the database of `databaseUrl` if it exists, disconnecting its sessions (Postgres 13+). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withConnection(withDatabase(databaseUrl, 'postgres'), async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}

/** Drops and recreates the `public` schema of a database (creating the database first if needed). */
export async function resetDatabaseSchema(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  await withConnection(databaseUrl, async (client) => {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query('CREATE SCHEMA public');
  });
}
