import { MAX_SYSTEM_PROMPT_CHARS, MIN_SYSTEM_PROMPT_CHARS, type PromptTemplateView, type SessionMode } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { ApiError, request } from './api/client';
import { ModeChoice, startSession } from './ScenarioDetail';

const CUSTOM = 'custom';

/** Free practice (SPEC §8): a prompt template or the trainee's own system prompt instead of a scenario, in any mode. */
export function FreePractice() {
  const [templates, setTemplates] = useState<PromptTemplateView[] | null>(null);
  const [choice, setChoice] = useState('');
  const [prompt, setPrompt] = useState('');
  const [mode, setMode] = useState<SessionMode>('text');
  const [error, setError] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    request<PromptTemplateView[]>('GET', '/api/templates').then(
      (list) => (setTemplates(list), setChoice((c) => c || list[0]?.id || CUSTOM)),
      (e: ApiError) => (setTemplates([]), setChoice(CUSTOM), setError(e.message)),
    );
  }, []);

  const length = prompt.trim().length;
  const promptProblem =
    choice !== CUSTOM
      ? ''
      : length < MIN_SYSTEM_PROMPT_CHARS
        ? `Write at least ${MIN_SYSTEM_PROMPT_CHARS} characters (${MIN_SYSTEM_PROMPT_CHARS - length} more).`
        : length > MAX_SYSTEM_PROMPT_CHARS
          ? `At most ${MAX_SYSTEM_PROMPT_CHARS} characters: ${length - MAX_SYSTEM_PROMPT_CHARS} too many.`
          : '';

  async function start(event: React.FormEvent) {
    event.preventDefault();
    if (promptProblem) return setError(promptProblem);
    setStarting(true);
    setError('');
    try {
      await startSession(choice === CUSTOM ? { systemPrompt: prompt.trim(), mode } : { templateId: choice, mode });
    } catch (e) {
      setError((e as ApiError).message);
      setStarting(false);
    }
  }

  return (
    <section aria-labelledby="free-title" className="free">
      <h1 id="free-title">Free practice</h1>
      <p className="meta">No scenario, no script: pick who the AI plays, or describe it yourself. You get general communication feedback at the end.</p>
      <form onSubmit={(e) => void start(e)}>
        <fieldset className="templates">
          <legend>Who should the AI be?</legend>
          {templates === null && <p aria-busy="true">Loading templates…</p>}
          {templates?.map((t) => (
            <label key={t.id} className={`mode${choice === t.id ? ' chosen' : ''}`}>
              <input type="radio" name="template" value={t.id} checked={choice === t.id} onChange={() => setChoice(t.id)} />
              <span>
                <strong>{t.name}</strong>
                <small>{t.description}</small>
              </span>
            </label>
          ))}
          <label className={`mode${choice === CUSTOM ? ' chosen' : ''}`}>
            <input type="radio" name="template" value={CUSTOM} checked={choice === CUSTOM} onChange={() => setChoice(CUSTOM)} />
            <span>
              <strong>Write your own</strong>
              <small>Describe the role, the situation and how the AI should behave.</small>
            </span>
          </label>
        </fieldset>
        {choice === CUSTOM && (
          <div className="prompt-box">
            <label htmlFor="system-prompt">Your prompt for the AI</label>
            <textarea
              id="system-prompt"
              rows={6}
              value={prompt}
              onChange={(e) => setPrompt(e.target.value)}
              placeholder="e.g. You are a landlord who keeps postponing the repair of the heating. Be polite but evasive."
              aria-describedby="prompt-limits"
              aria-invalid={length > MAX_SYSTEM_PROMPT_CHARS}
            />
            <p id="prompt-limits" className={`counter${promptProblem && length > 0 ? ' over' : ''}`}>
              {length} characters · between {MIN_SYSTEM_PROMPT_CHARS} and {MAX_SYSTEM_PROMPT_CHARS}
              {promptProblem && length > 0 && <> · {promptProblem}</>}
            </p>
          </div>
        )}
        <ModeChoice value={mode} onChange={setMode} />
        {error && <p role="alert" className="error">{error}</p>}
        <button className="primary start-button" type="submit" disabled={starting || templates === null}>
          {starting ? 'Starting…' : 'Start free practice'}
        </button>
      </form>
    </section>
  );
}
