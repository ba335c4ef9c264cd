import type { ScenarioDraft } from '@parley/contracts';

/** The searchable columns of `scenarios`, denormalised from the content of its current version. */
export interface ScenarioColumns {
  title: string | null;
  summary: string | null;
  category: string | null;
  difficulty: string | null;
  language: string | null;
  tags: string[];
  skillIds: string[];
  objectivesText: string;
}

/** What to write into a scenario's row whenever its current version changes (drafts may lack anything). */
export function scenarioColumns(content: ScenarioDraft): ScenarioColumns {
  return {
    title: content.title ?? null,
    summary: content.summary ?? null,
    category: content.category ?? null,
    difficulty: content.difficulty ?? null,
    language: content.language ?? null,
    tags: content.tags ?? [],
    skillIds: content.skills ?? [],
    objectivesText: (content.objectives ?? [])
      .map((objective) => [objective.description, ...objective.successCriteria].join('\n'))
      .join('\n'),
  };
}

/** JSON with object keys sorted, so two contents compare equal whatever order Postgres (jsonb) keeps keys in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Whether two JSON-like values are the same content. */
export function sameContent(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
