import type { Page, ProgressView, ScenarioProgress, ScenarioView, Skill } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';
import { navigate } from './router';
import { categoryLabel } from './ui/labels';

const PAGE_SIZE = 12;

export function Catalog() {
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState('');
  const [difficulty, setDifficulty] = useState('');
  const [skill, setSkill] = useState('');
  const [page, setPage] = useState(1);
  const [skills, setSkills] = useState<Skill[]>([]);
  const [result, setResult] = useState<Page<ScenarioView> | null>(null);
  const [error, setError] = useState('');

  // Past practice on each card: how often and how well (from the trainee's progress).
  const [practised, setPractised] = useState<Map<string, ScenarioProgress>>(new Map());

  useEffect(() => {
    request<Skill[]>('GET', '/api/skills').then(setSkills, () => undefined);
    request<ProgressView>('GET', '/api/progress').then(
      (progress) => setPractised(new Map(progress.scenarios.map((p) => [p.scenarioId, p]))),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (search) query.set('search', search);
    if (category) query.set('category', category);
    if (difficulty) query.set('difficulty', difficulty);
    if (skill) query.set('skill', skill);
    const timer = setTimeout(() => {
      request<Page<ScenarioView>>('GET', `/api/scenarios?${query}`).then(
        (r) => (setResult(r), setError('')),
        (e: ApiError) => setError(e.message),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [search, category, difficulty, skill, page]);

  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Choose a scenario</h1>
      <div className="filters">
        <label>
          Search
          <input type="search" value={search} onChange={(e) => (setSearch(e.target.value), setPage(1))} placeholder="Title or objective" />
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => (setCategory(e.target.value), setPage(1))}>
            <option value="">All</option>
            {Object.entries(categoryLabel).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Difficulty
          <select value={difficulty} onChange={(e) => (setDifficulty(e.target.value), setPage(1))}>
            <option value="">All</option>
            <option value="beginner">Beginner</option>
            <option value="intermediate">Intermediate</option>
            <option value="advanced">Advanced</option>
          </select>
        </label>
        <label>
          Skill
          <select value={skill} onChange={(e) => (setSkill(e.target.value), setPage(1))}>
            <option value="">All</option>
            {skills.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {result && result.items.length === 0 && (
        <p className="empty" data-testid="catalog-empty">
          No scenario matches {search ? <>“{search}”</> : 'these filters'}.{' '}
          <button onClick={() => (setSearch(''), setCategory(''), setDifficulty(''), setSkill(''), setPage(1))}>Clear filters</button>{' '}
          or try <a href="#/free">free practice</a>.
        </p>
      )}
      <ul className="cards">
        {result?.items.map((s) => (
          <li key={s.id}>
            <button className="card" onClick={() => navigate(`/scenario/${s.id}`)}>
              <span className="tag">{categoryLabel[s.category ?? ''] ?? s.category}</span>
              <strong>{s.title}</strong>
              <span>{s.summary}</span>
              <span className="meta">
                {s.difficulty} · about {s.estimatedMinutes} min
              </span>
              <span className="meta">Skills: {s.skills?.map((id) => skills.find((k) => k.id === id)?.name ?? id).join(', ')}</span>
              <PastPractice progress={practised.get(s.id)} />
            </button>
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function PastPractice({ progress }: { progress: ScenarioProgress | undefined }) {
  if (!progress) return null;
  const times = progress.practices === 1 ? 'once' : `${progress.practices} times`;
  return (
    <span className="meta practised" data-testid="card-practised">
      Practised {times}
      {progress.bestScore !== null && <> · best {progress.bestScore.toFixed(1)} / 5</>}
    </span>
  );
}
