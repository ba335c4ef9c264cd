import { databaseName } from './pg';

/** Throws unless the URL's database name contains "test": destructive helpers and test setups call this first. */
export function assertTestDatabase(databaseUrl: string): void {
  const name = databaseName(databaseUrl);
  if (!name.toLowerCase().includes('test')) {
    throw new Error(`Refusing to use database "${name}" for tests: its name must contain "test"`);
  }
}
