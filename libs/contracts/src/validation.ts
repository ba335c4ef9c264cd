import { z } from 'zod';
import { AppError, type FieldIssue } from './errors';

function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
}

/** Parses untrusted input at a boundary; failures become a 422 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('validation_failed', `Invalid ${what}`, { issues: toFieldIssues(result.error) });
  }
  return result.data;
}

/**
 * Paths of required fields that are absent (or empty lists) in `input` according to `schema`,
 * used to tell an author or trainee exactly what a scenario lacks.
 */
export function missingFields(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  const missing = new Set<string>();
  for (const issue of result.error.issues) {
    const absent = issue.input === undefined || issue.input === null || issue.input === '';
    const emptyList = issue.code === 'too_small' && Array.isArray(issue.input) && issue.input.length === 0;
    if (absent || emptyList) missing.add(issuePath(issue.path));
  }
  return [...missing];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Session, turn and evaluation ids are UUIDs; anything else names nothing (a 404, never a database error). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
