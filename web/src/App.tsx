import { useEffect, useState } from 'react';
import { ApiError, session, setUnauthorizedHandler, signIn } from './api/client';
import { Catalog } from './Catalog';
import { ChatRoom } from './chat/ChatRoom';
import { FreePractice } from './FreePractice';
import { History, Replay } from './History';
import { LiveRoom } from './live/LiveRoom';
import { Practice } from './Practice';
import { Progress } from './progress/Progress';
import { navigate, useRoute } from './router';
import { ScenarioDetail } from './ScenarioDetail';
import './styles.css';

export function App() {
  const [user, setUser] = useState(session.user());
  const route = useRoute();
  useEffect(() => setUnauthorizedHandler(() => (session.clear(), setUser(null))), []);

  if (!user) return <SignIn onSignedIn={setUser} />;
  return (
    <>
      <header className="top">
        <a href="#/catalog" className="brand">Parley</a>
        <nav aria-label="Main">
          <a href="#/catalog" aria-current={['catalog', 'scenario'].includes(route.name) ? 'page' : undefined}>Scenarios</a>
          <a href="#/free" aria-current={route.name === 'free' ? 'page' : undefined}>Free practice</a>
          <a href="#/history" aria-current={['history', 'replay'].includes(route.name) ? 'page' : undefined}>History</a>
          <a href="#/progress" aria-current={route.name === 'progress' ? 'page' : undefined}>Progress</a>
        </nav>
        <span className="user">
          {user}
          <button onClick={() => (session.clear(), setUser(null), navigate('/catalog'))}>Sign out</button>
        </span>
      </header>
      <main>
        {route.name === 'catalog' && <Catalog />}
        {route.name === 'scenario' && <ScenarioDetail id={route.id} />}
        {route.name === 'practice' && <Practice key={route.sessionId} sessionId={route.sessionId} />}
        {route.name === 'history' && <History />}
        {route.name === 'replay' && <Replay sessionId={route.sessionId} turn={route.turn} />}
        {route.name === 'chat' && <ChatRoom key={route.sessionId} sessionId={route.sessionId} />}
        {route.name === 'live' && <LiveRoom key={route.sessionId} sessionId={route.sessionId} />}
        {route.name === 'free' && <FreePractice />}
        {route.name === 'progress' && <Progress />}
      </main>
    </>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (user: string) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problem = nameProblem(name);
    if (problem) return setError(problem);
    try {
      await signIn(name.trim());
      onSignedIn(name.trim());
    } catch (e) {
      setError((e as ApiError).message);
    }
  }
  return (
    <main className="signin">
      <h1>Parley</h1>
      <p>Practise real conversations by voice with an AI roleplayer, and get scored feedback.</p>
      <form onSubmit={submit} noValidate>
        <label>
          Your name
          <input
            value={name}
            onChange={(e) => (setName(e.target.value), setError(''))}
            autoFocus
            autoComplete="username"
            aria-describedby="name-rule"
            aria-invalid={error !== ''}
          />
        </label>
        <p id="name-rule" className="meta">Letters, digits and . _ @ - (no spaces), up to 64 characters, e.g. ana.lopez</p>
        <button className="primary" type="submit">Sign in</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
    </main>
  );
}

/** The rule of a sign-in name (the dev-token endpoint's), said in words rather than the browser's generic message. */
function nameProblem(raw: string): string {
  const name = raw.trim();
  if (!name) return 'Enter a name to sign in.';
  if (name.length > 64) return 'A name may have at most 64 characters.';
  const bad = [...new Set(name.replace(/[A-Za-z0-9._@-]/g, ''))];
  if (bad.length === 0) return '';
  const shown = bad.map((c) => (c === ' ' ? 'spaces' : `"${c}"`)).join(', ');
  return `A name may only use letters, digits and . _ @ - (not ${shown}). Try ${name.replace(/\s+/g, '.').replace(/[^A-Za-z0-9._@-]/g, '') || 'ana.lopez'}.`;
}
