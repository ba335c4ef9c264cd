import type { EvaluationView } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';

/** The scored feedback of a session; polls while the evaluation is queued or running. */
/** `awaitReady`: in the practice room, nothing is fetched before the server announces `evaluation_ready`. */
export function EvaluationPanel({ sessionId, refreshKey = 0, awaitReady = false }: { sessionId: string; refreshKey?: number; awaitReady?: boolean }) {
  const [evaluation, setEvaluation] = useState<EvaluationView | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (awaitReady && refreshKey === 0) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = () =>
      request<EvaluationView>('GET', `/api/sessions/${sessionId}/evaluation`).then(
        (e) => {
          if (cancelled) return;
          setEvaluation(e);
          if (e.status === 'queued' || e.status === 'running') timer = setTimeout(load, 2000);
        },
        (e: ApiError) => {
          if (cancelled) return;
          if (e.body.code === 'not_found') timer = setTimeout(load, 2000);
          else setError(e.message);
        },
      );
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [sessionId, refreshKey, awaitReady]);

  async function requeue() {
    setEvaluation(await request<EvaluationView>('POST', `/api/sessions/${sessionId}/evaluation`));
  }

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!evaluation || evaluation.status === 'queued' || evaluation.status === 'running') {
    return (
      <section className="panel" aria-live="polite" aria-busy="true">
        <h2>Evaluation</h2>
        <p>Your feedback is being prepared…</p>
      </section>
    );
  }
  if (evaluation.status === 'failed') {
    return (
      <section className="panel" aria-live="polite">
        <h2>Evaluation</h2>
        <p role="alert" className="error">The evaluation failed: {evaluation.failureReason}</p>
        <button onClick={requeue}>Evaluate again</button>
      </section>
    );
  }
  return <EvaluationResult evaluation={evaluation} />;
}

/** A finished evaluation: ratings as bars, feedback, objectives and the speech analytics. */
export function EvaluationResult({ evaluation }: { evaluation: EvaluationView }) {
  const a = evaluation.analytics;
  const talkShare = a?.talkRatio == null ? null : Math.round(a.talkRatio * 100);
  return (
    <section className="panel" aria-live="polite" data-testid="evaluation">
      <h2>
        Evaluation {evaluation.overallScore !== null && <span className="score">{evaluation.overallScore}/5</span>}
      </h2>
      {evaluation.heuristic && <p className="notice">Scored by the offline heuristic (no evaluation model configured).</p>}
      <p>{evaluation.summary}</p>
      <ul className="bars" aria-label="Skill ratings">
        {evaluation.ratings.map((r) => (
          <li key={r.skillId}>
            <span>{r.skillName}</span>
            <span className="bar" role="img" aria-label={`${r.rating} of 5`}>
              <span style={{ width: `${r.rating * 20}%` }} />
            </span>
            <small>{r.note}</small>
          </li>
        ))}
      </ul>
      <div className="columns">
        <div>
          <h3>Strengths</h3>
          <ul>{evaluation.strengths.map((s) => <li key={s}>{s}</li>)}</ul>
        </div>
        <div>
          <h3>To improve</h3>
          <ul>{evaluation.improvements.map((s) => <li key={s}>{s}</li>)}</ul>
        </div>
      </div>
      <p>
        Objectives achieved: {evaluation.objectivesAchieved.join(', ') || 'none'} · missed: {evaluation.objectivesMissed.join(', ') || 'none'}
      </p>
      {a && (
        <dl className="stats">
          <div>
            <dt>Your talk share</dt>
            <dd>{talkShare === null ? 'n/a' : `${talkShare}%`}</dd>
            {talkShare !== null && (
              <span className="bar" role="img" aria-label={`You spoke ${talkShare}% of the time`}>
                <span style={{ width: `${talkShare}%` }} />
              </span>
            )}
          </div>
          <div><dt>Pace</dt><dd>{a.wordsPerMinute === null ? 'n/a' : `${a.wordsPerMinute} wpm`}</dd></div>
          <div><dt>Filler words</dt><dd>{a.fillerWords.count} ({a.fillerWords.mostFrequent.map((f) => f.word).join(', ') || 'none'})</dd></div>
          <div><dt>Longest monologue</dt><dd>{a.longestMonologueMs === null ? 'n/a' : `${Math.round(a.longestMonologueMs / 1000)} s`}</dd></div>
          <div><dt>Questions asked</dt><dd>{a.questionsAsked}</dd></div>
        </dl>
      )}
    </section>
  );
}
