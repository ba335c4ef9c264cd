import type { ScenarioView, SessionState, Skill } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';
import { navigate } from './router';
import { categoryLabel, endCriteriaInWords } from './ui/labels';

export function ScenarioDetail({ id }: { id: string }) {
  const [scenario, setScenario] = useState<ScenarioView | null>(null);
  const [skills, setSkills] = useState<Skill[]>([]);
  const [error, setError] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    request<ScenarioView>('GET', `/api/scenarios/${id}`).then(setScenario, (e: ApiError) => setError(e.message));
    request<Skill[]>('GET', '/api/skills').then(setSkills, () => undefined);
  }, [id]);

  async function start() {
    setStarting(true);
    setError('');
    try {
      const state = await request<SessionState>('POST', '/api/sessions', {
        scenarioId: id,
        mode: 'turn',
        clientSessionStartedAt: new Date().toISOString(),
      });
      navigate(`/practice/${state.session.id}`);
    } catch (e) {
      setError((e as ApiError).message);
      setStarting(false);
    }
  }

  if (error && !scenario) return <p role="alert" className="error">{error}</p>;
  if (!scenario) return <p aria-busy="true">Loading…</p>;
  const skillName = (skillId: string) => skills.find((s) => s.id === skillId)?.name ?? skillId;
  return (
    <article aria-labelledby="scenario-title" className="detail">
      <p className="tag">{categoryLabel[scenario.category ?? ''] ?? scenario.category} · {scenario.difficulty}</p>
      <h1 id="scenario-title">{scenario.title}</h1>
      <p>{scenario.summary}</p>
      {scenario.offlineRoleplayer && (
        <p className="notice">Offline roleplayer: no language model is configured, so the other side follows this scenario's script.</p>
      )}
      <h2>Who you talk to</h2>
      <p>
        <strong>{scenario.persona?.name}</strong>, {scenario.persona?.role}. {scenario.persona?.background}
      </p>
      <h2>Your role</h2>
      <p>{scenario.traineeRole}</p>
      <h2>Objectives</h2>
      <ul>
        {scenario.objectives?.map((o) => (
          <li key={o.id}>
            {o.description}
            <ul>
              {o.successCriteria.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <h2>Skills assessed</h2>
      <p>{scenario.skills?.map(skillName).join(', ')}</p>
      <h2>How it ends</h2>
      <p>{endCriteriaInWords(scenario)}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <button className="primary" onClick={start} disabled={starting}>
        {starting ? 'Starting…' : 'Start practice'}
      </button>
    </article>
  );
}
