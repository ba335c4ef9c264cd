import type { ScenarioView, SessionMode, SessionState, SessionView, Skill } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';
import { navigate } from './router';
import { categoryLabel, endCriteriaInWords } from './ui/labels';

/** The room a session is practised in, by its mode. */
export const roomPath = (s: Pick<SessionView, 'id' | 'mode'>) =>
  s.mode === 'text' ? `/chat/${s.id}` : s.mode === 'realtime' ? `/live/${s.id}` : `/practice/${s.id}`;

const modes: { value: SessionMode; label: string; hint: string }[] = [
  { value: 'turn', label: 'Voice turns', hint: 'Hold to talk, then hear the reply. Calm and forgiving.' },
  { value: 'realtime', label: 'Live voice', hint: 'A natural call: speak any time, interrupt, be interrupted.' },
  { value: 'text', label: 'Text', hint: 'Type your side; the reply appears word by word. No microphone needed.' },
];

/** Voice turns, live voice or text: a radio group. */
export function ModeChoice({ value, onChange }: { value: SessionMode; onChange: (mode: SessionMode) => void }) {
  return (
    <fieldset className="modes">
      <legend>How do you want to practise?</legend>
      {modes.map((m) => (
        <label key={m.value} className={`mode${value === m.value ? ' chosen' : ''}`}>
          <input type="radio" name="mode" value={m.value} checked={value === m.value} onChange={() => onChange(m.value)} />
          <span>
            <strong>{m.label}</strong>
            <small>{m.hint}</small>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Creates a session (scenario or free practice) and opens its room. */
export async function startSession(body: Record<string, unknown>): Promise<void> {
  const state = await request<SessionState>('POST', '/api/sessions', { ...body, clientSessionStartedAt: new Date().toISOString() });
  navigate(roomPath(state.session));
}

export function ScenarioDetail({ id }: { id: string }) {
  const [scenario, setScenario] = useState<ScenarioView | null>(null);
  const [skills, setSkills] = useState<Skill[]>([]);
  const [error, setError] = useState('');
  const [starting, setStarting] = useState(false);
  const [mode, setMode] = useState<SessionMode>('turn');

  useEffect(() => {
    request<ScenarioView>('GET', `/api/scenarios/${id}`).then(setScenario, (e: ApiError) => setError(e.message));
    request<Skill[]>('GET', '/api/skills').then(setSkills, () => undefined);
  }, [id]);

  async function start() {
    setStarting(true);
    setError('');
    try {
      await startSession({ scenarioId: id, mode });
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
      <section className="start panel" aria-label="Start">
        <ModeChoice value={mode} onChange={setMode} />
        {error && <p role="alert" className="error">{error}</p>}
        <button className="primary start-button" onClick={start} disabled={starting}>
          {starting ? 'Starting…' : 'Start practice'}
        </button>
      </section>
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
    </article>
  );
}
