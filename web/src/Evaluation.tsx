import type { EvaluationView, KeyMoment, SkillRating, SpeechAnalytics } from '@parley/contracts';
import { useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, XAxis, YAxis } from 'recharts';
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

/** Where a turn of a session is in the replay: the replay scrolls to it. */
export const turnLink = (sessionId: string, turn: number) => `#/history/${sessionId}?turn=${turn}`;

const momentLabel: Record<KeyMoment['kind'], string> = {
  best_line: 'Best line',
  missed_opportunity: 'Missed opportunity',
  objective_met: 'Objective met',
  objective_missed: 'Objective missed',
  setback: 'Setback',
};

/** Pace a listener follows comfortably, in words per minute. */
export const PACE_BAND = { low: 110, high: 160 } as const;

const NOT_MEASURED = 'not measured';

/** A finished evaluation: score, skills with their evidence, key moments, objectives and the speech analytics. */
export function EvaluationResult({ evaluation }: { evaluation: EvaluationView }) {
  const panel = useRef<HTMLElement>(null);
  const printIt = () => {
    // Closed skill details would not print: open them all first.
    panel.current?.querySelectorAll('details').forEach((d) => (d.open = true));
    window.print();
  };
  const sessionId = evaluation.sessionId;
  return (
    <section className="panel evaluation" aria-live="polite" data-testid="evaluation" ref={panel}>
      <div className="evaluation-head">
        <h2>Evaluation</h2>
        {evaluation.overallScore !== null && (
          <p className="overall" data-testid="overall-score">
            <strong>{evaluation.overallScore.toFixed(1)}</strong>
            <span>/5 overall</span>
          </p>
        )}
        <button className="no-print" onClick={printIt}>Print</button>
      </div>
      {evaluation.heuristic && (
        <p className="notice">Scored by the offline scorer (no evaluation model configured): it reads your words for signs of each skill.</p>
      )}
      {evaluation.notEnoughConversation ? (
        <div className="not-enough" data-testid="not-enough">
          <h3>Not enough conversation to score yet</h3>
          <p>
            We need a little more of your own words to say anything fair about your skills, so there are no ratings this time. Try again
            and answer the other person in a few sentences.
          </p>
          {evaluation.summary && <p className="meta">{evaluation.summary}</p>}
        </div>
      ) : (
        <>
          {evaluation.summary && <p>{evaluation.summary}</p>}
          {evaluation.ratings.length > 0 && <SkillChart ratings={evaluation.ratings} />}
          <ul className="skills" aria-label="Skills">
            {evaluation.ratings.map((r) => (
              <SkillItem key={r.skillId} rating={r} />
            ))}
          </ul>
          {(evaluation.strengths.length > 0 || evaluation.improvements.length > 0) && (
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
          )}
        </>
      )}
      {evaluation.keyMoments.length > 0 && (
        <>
          <h3>Key moments</h3>
          <ol className="moments" data-testid="key-moments">
            {evaluation.keyMoments.map((m) => (
              <li key={`${m.turn}-${m.kind}`} className={`moment ${m.kind}`}>
                <span className="moment-kind">{momentLabel[m.kind]}</span>{' '}
                <a href={turnLink(sessionId, m.turn)} aria-label={`${momentLabel[m.kind]}: go to turn ${m.turn} in the replay`}>turn {m.turn}</a>
                <blockquote>“{m.quote}”</blockquote>
                <p className="meta">{m.note}</p>
              </li>
            ))}
          </ol>
        </>
      )}
      <Objectives evaluation={evaluation} />
      {evaluation.analytics && <Analytics analytics={evaluation.analytics} />}
      {evaluation.missingTurns.length > 0 && (
        <p className="meta">Not transcribed, so not scored: turn {evaluation.missingTurns.join(', ')}.</p>
      )}
    </section>
  );
}

/** The skill ratings as horizontal bars with their numbers. */
function SkillChart({ ratings }: { ratings: SkillRating[] }) {
  const data = ratings.map((r) => ({ name: r.skillName, rating: r.rating }));
  return (
    <figure
      className="chart skill-chart"
      role="img"
      aria-label={`Skill ratings: ${ratings.map((r) => `${r.skillName} ${r.rating} of 5`).join(', ')}`}
      data-testid="skill-chart"
    >
      <BarChart responsive layout="vertical" data={data} margin={{ top: 4, right: 28, bottom: 4, left: 4 }} style={{ width: '100%', height: 36 * data.length + 40 }}>
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 5]} ticks={[0, 1, 2, 3, 4, 5]} />
        <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 12 }} />
        <Bar dataKey="rating" fill="#3454d1" radius={[0, 6, 6, 0]} isAnimationActive={false} barSize={18}>
          <LabelList dataKey="rating" position="right" />
        </Bar>
      </BarChart>
    </figure>
  );
}

/** One skill: rating and note, expandable to the reasons and the trainee's own words that earned or cost it. */
function SkillItem({ rating: r }: { rating: SkillRating }) {
  const reasons = r.reasons ?? [];
  const evidence = r.evidence ?? [];
  return (
    <li data-testid={`skill-${r.skillId}`}>
      <details>
        <summary>
          <span className="skill-name">{r.skillName}</span> <span className="skill-rating">{r.rating}/5</span>
          <span className="bar" role="img" aria-label={`${r.rating} of 5`}>
            <span style={{ width: `${r.rating * 20}%` }} />
          </span>
          <small>{r.note}</small>
        </summary>
        {reasons.length > 0 && (
          <ul className="reasons">
            {reasons.map((reason) => <li key={reason}>{reason}</li>)}
          </ul>
        )}
        {evidence.length > 0 ? (
          <ul className="quotes" aria-label={`Your words for ${r.skillName}`}>
            {evidence.map((q, i) => (
              <li key={`${q.turn}-${i}`} className={q.effect}>
                <span className="effect">{q.effect === 'earned' ? '+ earned' : '− cost'}</span> <span className="meta">turn {q.turn}</span>
                <q>{q.quote}</q>
                {q.signal && <span className="meta"> · {q.signal}</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p className="meta">No single line of yours decided this rating.</p>
        )}
      </details>
    </li>
  );
}

function Objectives({ evaluation }: { evaluation: EvaluationView }) {
  if (evaluation.objectives.length > 0) {
    return (
      <>
        <h3>Objectives</h3>
        <ul className="objectives" data-testid="objectives">
          {evaluation.objectives.map((o) => (
            <li key={o.id} className={o.achieved ? 'achieved' : 'missed'}>
              <span className="objective-state">{o.achieved ? '✓ Achieved' : '✗ Missed'}</span> <strong>{o.description}</strong>
              <span className="meta">
                {' · '}
                {o.decidingTurn === null ? 'it never came up' : <a href={turnLink(evaluation.sessionId, o.decidingTurn)}>decided at turn {o.decidingTurn}</a>}
              </span>
              <p className="meta">{o.reason}</p>
            </li>
          ))}
        </ul>
      </>
    );
  }
  if (evaluation.objectivesAchieved.length === 0 && evaluation.objectivesMissed.length === 0) return null;
  return (
    <p>
      Objectives achieved: {evaluation.objectivesAchieved.join(', ') || 'none'} · missed: {evaluation.objectivesMissed.join(', ') || 'none'}
    </p>
  );
}

const seconds = (ms: number | null | undefined) => (ms == null ? NOT_MEASURED : `${(ms / 1000).toFixed(1)} s`);

/** Speech analytics as small charts; a measure that could not be computed says so. */
function Analytics({ analytics: a }: { analytics: SpeechAnalytics }) {
  const talkShare = a.talkRatio === null ? null : Math.round(a.talkRatio * 100);
  const wpm = a.wordsPerMinute;
  const fillersByTurn = a.fillerWords.byTurn ?? [];
  const latency = a.responseLatency;
  const unmeasured = a.mode === 'text' ? `${NOT_MEASURED} (typed practice, no speech)` : NOT_MEASURED;
  return (
    <>
      <h3>How you spoke</h3>
      <div className="analytics">
        <div className="metric" data-testid="talk-share">
          <h4>Your talk share</h4>
          {talkShare === null ? (
            <p className="meta">{unmeasured}</p>
          ) : (
            <>
              <p className="value">{talkShare}%</p>
              <div className="share" role="img" aria-label={`You spoke ${talkShare}% of the time, the other side ${100 - talkShare}%`}>
                <span className="you" style={{ width: `${talkShare}%` }} />
              </div>
              <p className="meta legend"><span>You</span><span>Them</span></p>
            </>
          )}
        </div>
        <div className="metric" data-testid="pace">
          <h4>Pace</h4>
          {wpm === null ? (
            <p className="meta">{unmeasured}</p>
          ) : (
            <>
              <p className="value">{wpm} wpm</p>
              <PaceScale wpm={wpm} />
              <p className="meta">
                {wpm < PACE_BAND.low ? 'Slower than' : wpm > PACE_BAND.high ? 'Faster than' : 'Within'} the {PACE_BAND.low}–{PACE_BAND.high} wpm target
              </p>
            </>
          )}
        </div>
        <div className="metric wide" data-testid="fillers">
          <h4>Filler words</h4>
          <p className="value">
            {a.fillerWords.count}
            {a.fillerWords.perMinute !== null && <small className="meta"> · {a.fillerWords.perMinute} a minute</small>}
          </p>
          {a.fillerWords.mostFrequent.length > 0 && (
            <p className="meta">Most often: {a.fillerWords.mostFrequent.map((f) => `${f.word} (${f.count})`).join(', ')}</p>
          )}
          {fillersByTurn.length > 0 && (
            <figure
              className="chart"
              role="img"
              aria-label={`Fillers by turn: ${fillersByTurn.map((f) => `turn ${f.turn} ${f.count}`).join(', ')}`}
            >
              <BarChart responsive data={fillersByTurn} margin={{ top: 14, right: 8, bottom: 0, left: -24 }} style={{ width: '100%', height: 120 }}>
                <XAxis dataKey="turn" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                <Bar dataKey="count" fill="#e0a800" isAnimationActive={false}>
                  <LabelList dataKey="count" position="top" fontSize={11} />
                </Bar>
              </BarChart>
              <figcaption className="meta">Fillers in each of your turns (by turn number)</figcaption>
            </figure>
          )}
        </div>
      </div>
      <dl className="stats">
        <div>
          <dt>Response time</dt>
          <dd>{latency ? seconds(latency.averageMs) : seconds(a.averageResponseLatencyMs)}</dd>
          {latency && latency.medianMs !== null && (
            <dd className="meta">
              median {seconds(latency.medianMs)} · {latency.basis === 'typing' ? 'typing and sending' : 'silence before speaking'}
            </dd>
          )}
        </div>
        {a.aiResponseLatencyMs !== undefined && (
          <div><dt>AI response time</dt><dd>{seconds(a.aiResponseLatencyMs)}</dd></div>
        )}
        {a.interruptions !== undefined && (
          <div>
            <dt>Interruptions</dt>
            <dd>{a.interruptions === null ? 'not measured (no voice)' : a.interruptions.count}</dd>
          </div>
        )}
        {a.cancellations !== undefined && (
          <div>
            <dt>Cancelled replies</dt>
            <dd>{a.cancellations === null ? 'not measured (live voice only)' : a.cancellations.count}</dd>
          </div>
        )}
        <div><dt>Longest monologue</dt><dd>{a.longestMonologueMs === null ? NOT_MEASURED : `${Math.round(a.longestMonologueMs / 1000)} s`}{a.longestMonologueWords !== null && ` · ${a.longestMonologueWords} words`}</dd></div>
        <div><dt>Questions asked</dt><dd>{a.questionsAsked}</dd></div>
        <div><dt>Your words</dt><dd>{a.traineeWords} in {a.traineeTurns} {a.traineeTurns === 1 ? 'turn' : 'turns'}</dd></div>
      </dl>
    </>
  );
}

/** Pace on a 60–220 wpm scale with the target band shaded and a marker at the trainee's pace. */
function PaceScale({ wpm }: { wpm: number }) {
  const min = 60;
  const max = 220;
  const at = (v: number) => `${((Math.min(max, Math.max(min, v)) - min) / (max - min)) * 100}%`;
  return (
    <div className="pace" role="img" aria-label={`${wpm} words a minute; target ${PACE_BAND.low} to ${PACE_BAND.high}`}>
      <span className="band" style={{ left: at(PACE_BAND.low), width: `calc(${at(PACE_BAND.high)} - ${at(PACE_BAND.low)})` }} />
      <span className="marker" style={{ left: at(wpm) }} />
    </div>
  );
}
