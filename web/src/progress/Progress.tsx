import type { ProgressView, SkillProgress } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { CartesianGrid, LabelList, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, request } from '../api/client';
import { formatDate } from '../ui/labels';

/** `#/progress`: the trainee's ratings over time per skill, and per scenario how often and how well. */
export function Progress() {
  const [progress, setProgress] = useState<ProgressView | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    request<ProgressView>('GET', '/api/progress').then(setProgress, (e: ApiError) => setError(e.message));
  }, []);

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!progress) return <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="progress-title" className="progress">
      <h1 id="progress-title">Your progress</h1>
      <ProgressContent progress={progress} />
    </section>
  );
}

/** The progress page's content (rendered apart so it can be tested without the API). */
export function ProgressContent({ progress }: { progress: ProgressView }) {
  const { totals, skills, scenarios } = progress;
  if (totals.practices === 0) {
    return (
      <p className="empty" data-testid="progress-empty">
        No practices yet. <a href="#/catalog">Pick a scenario</a> to start: after your first scored practice, your skills and scores show up here.
      </p>
    );
  }
  return (
    <>
      <dl className="stats totals" data-testid="progress-totals">
        <div><dt>Practices</dt><dd>{totals.practices}</dd></div>
        <div><dt>Scored</dt><dd>{totals.evaluated}</dd></div>
        <div><dt>Minutes practised</dt><dd>{totals.practiceMinutes}</dd></div>
      </dl>
      <h2>Skills over time</h2>
      {skills.length === 0 ? (
        <p className="empty">None of your practices has been scored yet; ratings appear here once one is.</p>
      ) : (
        <ul className="skill-trends">
          {skills.map((s) => (
            <SkillTrend key={s.skillId} skill={s} />
          ))}
        </ul>
      )}
      <h2>Scenarios</h2>
      {scenarios.length > 0 && (
        <table className="progress-table" data-testid="progress-scenarios">
          <thead>
            <tr><th>Scenario</th><th>Practices</th><th>Best</th><th>Latest</th><th>Last practised</th></tr>
          </thead>
          <tbody>
            {scenarios.map((s) => (
              <tr key={s.scenarioId}>
                <td><a href={`#/scenario/${s.scenarioId}`}>{s.title}</a></td>
                <td data-label="Practices">{s.practices}</td>
                <td data-label="Best">{score(s.bestScore)}</td>
                <td data-label="Latest">{score(s.latestScore)}</td>
                <td data-label="Last practised">{formatDate(s.lastPracticedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const score = (value: number | null) => (value === null ? 'not scored' : `${value.toFixed(1)} / 5`);
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
const shortDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

function SkillTrend({ skill }: { skill: SkillProgress }) {
  // Several practices can fall on one day: the axis counts practices, the tooltip tells the date.
  const data = skill.points.map((p, i) => ({ practice: `#${i + 1}`, date: shortDate(p.at), rating: p.rating }));
  return (
    <li className="trend" data-testid={`trend-${skill.skillId}`}>
      <h3>{skill.skillName}</h3>
      <p className="meta">
        latest {skill.latest}/5 · best {skill.best}/5 · {signed(skill.change)} since your first
      </p>
      <figure
        className="chart"
        role="img"
        aria-label={`${skill.skillName} ratings over time: ${skill.points.map((p) => p.rating).join(', ')}`}
      >
        <LineChart responsive data={data} margin={{ top: 16, right: 16, bottom: 0, left: -24 }} style={{ width: '100%', height: 160 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="practice" tick={{ fontSize: 11 }} />
          <YAxis domain={[1, 5]} ticks={[1, 2, 3, 4, 5]} tick={{ fontSize: 11 }} />
          <Tooltip
            formatter={(v) => [`${v}/5`, skill.skillName]}
            labelFormatter={(label, payload) => `Practice ${label}${payload?.[0] ? `, ${(payload[0].payload as { date: string }).date}` : ''}`}
          />
          <Line type="monotone" dataKey="rating" stroke="#3454d1" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false}>
            <LabelList dataKey="rating" position="top" fontSize={11} />
          </Line>
        </LineChart>
      </figure>
    </li>
  );
}
