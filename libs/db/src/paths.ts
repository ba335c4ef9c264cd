import path from 'node:path';

/**
 * The lib's folder (libs/db), from this file in `src/` (Jest, ts sources) or in `dist/` (built): both sit one level
 * below it, so the answer does not depend on the working directory.
 */
export const DB_LIB_DIR = path.resolve(__dirname, '..');
export const PRISMA_CONFIG_PATH = path.join(DB_LIB_DIR, 'prisma.config.ts');
export const PRISMA_SCHEMA_PATH = path.join(DB_LIB_DIR, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(DB_LIB_DIR, 'prisma', 'migrations');
