import { spawn } from 'node:child_process';
import { DB_LIB_DIR, PRISMA_CONFIG_PATH } from './paths';
import { redactUrl } from './pg';

export interface MigrateOptions {
  /** Kill the CLI after this long (default 120 s). */
  timeoutMs?: number;
  /** Where the CLI's output goes besides the returned text (default: nowhere). */
  onOutput?: (chunk: string) => void;
}

export interface MigrateResult {
  output: string;
  durationMs: number;
}

/** Resolves the Prisma CLI entry from this lib, whatever the working directory. */
export function prismaCliPath(): string {
  return require.resolve('prisma/build/index.js', { paths: [DB_LIB_DIR] });
}

/**
 * Runs a Prisma CLI command with this lib's prisma.config.ts against `databaseUrl`, in a child process (offline:
 * WebAssembly engines through the `pg` adapter). Rejects with the CLI's output when it fails.
 */
export function runPrismaCli(args: string[], databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCliPath(), ...args, '--config', PRISMA_CONFIG_PATH], {
      cwd: DB_LIB_DIR,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Date.now() - started;
      if (code === 0) return resolve({ output, durationMs });
      const why = signal ? `was killed (${signal}) after ${durationMs} ms` : `exited with ${code}`;
      reject(new Error(`prisma ${args.join(' ')} on ${redactUrl(databaseUrl)} ${why}:\n${output.trim()}`));
    });
  });
}

/** Applies pending migrations (`prisma migrate deploy`). Idempotent; the database must exist (see ensureDatabase). */
export function migrateDatabase(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  return runPrismaCli(['migrate', 'deploy'], databaseUrl, options);
}
