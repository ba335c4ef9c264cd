import { isOpenStatus, type HistoryItem, type Page, type ScenarioView, type SessionDetail, type SessionState } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';
import { EvaluationPanel } from './Evaluation';
import { navigate, resetSteps, stepsTaken } from './router';
import { roomPath } from './ScenarioDetail';
import { formatDate, formatDuration } from './ui/labels';

export function History() {
  const [search, setSearch] = useState('');
  const [scenarioId, setScenarioId] = useState('');
  const [scenarios, setScenarios] = useState<ScenarioView[]>([]);
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [sort, setSort] = useState('startedAtDesc');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<Page<HistoryItem> | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    request<Page<ScenarioView>>('GET', '/api/scenarios?pageSize=100').then((r) => setScenarios(r.items), () => undefined);
  }, []);

  useEffect(() => {
    const query = new URLSearchParams({ page: String(page), sort, historyStepCount: String(stepsTaken()) });
    if (search) query.set('search', search);
    if (scenarioId) query.set('scenarioId', scenarioId);
    if (status) query.set('status', status);
    if (from) query.set('from', new Date(from).toISOString());
    if (to) query.set('to', new Date(`${to}T23:59:59`).toISOString());
    const timer = setTimeout(() => {
      request<Page<HistoryItem>>('GET', `/api/sessions?${query}`).then((r) => (setResult(r), setError(''), resetSteps()), (e: ApiError) => setError(e.message));
    }, 200);
    return () => clearTimeout(timer);
  }, [search, scenarioId, status, from, to, sort, page]);

  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  const filtered = Boolean(search || scenarioId || status || from || to);
  const clearFilters = () => (setSearch(''), setScenarioId(''), setStatus(''), setFrom(''), setTo(''), setPage(1));
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">Your practice history</h1>
      <div className="filters">
        <label>Search<input type="search" value={search} onChange={(e) => (setSearch(e.target.value), setPage(1))} placeholder="Scenario or objective" /></label>
        <label>
          Scenario
          <select value={scenarioId} onChange={(e) => (setScenarioId(e.target.value), setPage(1))}>
            <option value="">All</option>
            {scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus(e.target.value), setPage(1))}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label>From<input type="date" value={from} onChange={(e) => (setFrom(e.target.value), setPage(1))} /></label>
        <label>To<input type="date" value={to} onChange={(e) => (setTo(e.target.value), setPage(1))} /></label>
        <label>
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="startedAtDesc">Newest first</option>
            <option value="startedAtAsc">Oldest first</option>
          </select>
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {result && result.items.length === 0 && (filtered ? (
        <p className="empty" data-testid="history-empty">
          No sessions match {search ? <>“{search}”</> : 'these filters'}. <button onClick={clearFilters}>Clear filters</button>
        </p>
      ) : (
        <p className="empty" data-testid="history-empty">No sessions yet. <a href="#/catalog">Pick a scenario</a> to start practising.</p>
      ))}
      {result && result.items.length > 0 && (
      <table className="history">
        <thead><tr><th>Scenario</th><th>Started</th><th>Duration</th><th>Your turns</th><th>Result</th><th>Score</th></tr></thead>
        <tbody>
          {result?.items.map((s) => (
            <tr key={s.id}>
              <td><a href={`#/history/${s.id}`}>{s.scenarioTitle}</a> <span className="meta">{modeLabel[s.mode]}</span></td>
              <td data-label="Started">{formatDate(s.startedAt)}</td>
              <td data-label="Duration">{formatDuration(s.durationMs)}</td>
              <td data-label="Your turns">{traineeTurns(s.turnCount)}</td>
              <td data-label="Result">{isOpenStatus(s.status) ? <strong>in progress</strong> : (s.terminationReason?.replace(/_/g, ' ') ?? s.status)}</td>
              <td data-label="Score">{scoreText(s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
          <span>Page {page} of {pages}</span>
          <button disabled={page >= pages} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
    </section>
  );
}

/** Replay of one session: transcript with audio, evaluation, delete and practise again. */
export function Replay({ sessionId, turn }: { sessionId: string; turn?: number }) {
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [error, setError] = useState('');
  const load = () => request<SessionDetail>('GET', `/api/sessions/${sessionId}`).then(setDetail, (e: ApiError) => setError(e.message));
  useEffect(() => void load(), [sessionId]);
  // A key moment links here with ?turn=N: bring that turn into view.
  useEffect(() => {
    if (detail && turn !== undefined) document.getElementById(`turn-${turn}`)?.scrollIntoView({ block: 'center' });
  }, [detail, turn]);

  async function remove() {
    if (!window.confirm('Delete this session, its recordings and its evaluation? This cannot be undone.')) return;
    await request('DELETE', `/api/sessions/${sessionId}`);
    navigate('/history');
  }
  async function again() {
    const next = await request<SessionState>('POST', `/api/sessions/${sessionId}/practice-again`, { clientSessionStartedAt: new Date().toISOString() });
    navigate(roomPath(next.session));
  }

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!detail) return <p aria-busy="true">Loading…</p>;
  const active = isOpenStatus(detail.session.status);
  const persona = detail.scenario?.persona?.name || 'AI';
  return (
    <article aria-labelledby="replay-title">
      <p><a href="#/history" className="back">← Back to history</a></p>
      <h1 id="replay-title">{detail.session.scenarioTitle}</h1>
      <p className="meta">
        {formatDate(detail.session.startedAt)} · {detail.session.terminationReason?.replace(/_/g, ' ') ?? detail.session.status}
      </p>
      {active && (
        <div className="banner" role="status" data-testid="still-active">
          <p>This practice is still going. Resume it to carry on; your feedback comes once it ends.</p>
          <button className="primary" onClick={() => navigate(roomPath(detail.session))}>Resume practice</button>
        </div>
      )}
      <div className="controls">
        {!active && <button onClick={again}>Practise again</button>}
        <button className="danger" onClick={remove}>Delete</button>
      </div>
      <ol className="conversation" aria-label="Transcript">
        {detail.turns.map((t) => (
          <li key={t.id} id={`turn-${t.sequence}`} className={`bubble ${t.speaker}${t.sequence === turn ? ' anchored' : ''}`}>
            <span className="who">{t.speaker === 'ai' ? persona : 'You'}</span>
            <p>{t.text ?? '(no transcript)'}</p>
            {/* An expired URL fails to load: fetch the detail again for fresh ones. */}
            {t.audioUrl && <audio controls src={t.audioUrl} onError={() => void load()} aria-label={`Audio of turn ${t.sequence}`} />}
          </li>
        ))}
      </ol>
      {/* An active session has no evaluation yet: nothing to poll until it ends. */}
      {!active && <EvaluationPanel sessionId={sessionId} />}
    </article>
  );
}

const modeLabel: Record<HistoryItem['mode'], string> = { turn: 'voice', realtime: 'live voice', text: 'text' };

/** The trainee's own turns: the AI opens (turn 0) and the two sides alternate. */
const traineeTurns = (turnCount: number) => Math.floor(turnCount / 2);

function scoreText(s: HistoryItem): string {
  if (s.overallScore !== null) return `${s.overallScore.toFixed(1)} / 5`;
  if (isOpenStatus(s.status)) return '—';
  if (s.evaluationStatus === 'queued' || s.evaluationStatus === 'running') return 'scoring…';
  if (s.evaluationStatus === 'failed') return 'not scored';
  return '—';
}
