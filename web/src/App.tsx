import type { AuthConfigResponse } from '@parley/contracts';
import { Suspense, lazy, useEffect, useState } from 'react';
import { ApiError, authConfig, session, setUnauthorizedHandler, signIn } from './api/client';
import { isOidcCallback } from './auth/callback';
import { Catalog } from './Catalog';
import { FreePractice } from './FreePractice';
import { LiveRoom } from './live/LiveRoom';
import { navigate, useRoute } from './router';
import { ScenarioDetail } from './ScenarioDetail';
import './styles.css';

// Pages with charts (recharts, through the evaluation panel or the progress page) load on demand, keeping the
// catalog's first load small.
const ChatRoom = lazy(() => import('./chat/ChatRoom').then((m) => ({ default: m.ChatRoom })));
const History = lazy(() => import('./History').then((m) => ({ default: m.History })));
const Replay = lazy(() => import('./History').then((m) => ({ default: m.Replay })));
const Practice = lazy(() => import('./Practice').then((m) => ({ default: m.Practice })));
const Progress = lazy(() => import('./progress/Progress').then((m) => ({ default: m.Progress })));
/** The OIDC client too: only a sign-in at the identity provider, its callback and its sign-out need it. */
const oidc = () => import('./auth/oidc');

/** setTimeout's longest delay (about 24.8 days); a later expiry is checked again when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function App() {
  const [user, setUser] = useState(() => (isOidcCallback() ? null : session.user()));
  const [completing, setCompleting] = useState(isOidcCallback);
  const [notice, setNotice] = useState('');
  const [expiryCheck, setExpiryCheck] = useState(0);
  const route = useRoute();

  useEffect(() => {
    const refused = (reason: string) => (session.clear(), setUser(null), setNotice(reason));
    setUnauthorizedHandler((reason) => refused(`${reason.replace(/\.$/, '')}. Sign in again.`));
    if (!completing) return;
    oidc().then((m) => m.completeOidcSignIn()).then(
      (name) => (setUser(name), setCompleting(false)),
      (error: Error) => (setNotice(error.message), setCompleting(false)),
    );
  }, []);

  // The token says when it stops working: return to sign-in then, rather than at the next refused request.
  useEffect(() => {
    const expiresAt = user ? session.expiresAt() : null;
    if (expiresAt === null) return;
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return setExpiryCheck((n) => n + 1);
      session.clear();
      setUser(null);
      setNotice('Your sign-in has expired. Sign in again.');
    }, Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [user, expiryCheck]);

  async function signOut() {
    const details = session.details();
    session.clear();
    setUser(null);
    setNotice('');
    navigate('/catalog');
    if (details.oidc) await oidc().then((m) => m.oidcSignOut(details.oidc!, details.idToken)).catch(() => false);
  }

  if (completing) return <main className="signin" aria-busy="true"><p>Signing you in…</p></main>;
  if (!user) return <SignIn notice={notice} onSignedIn={(name) => (setNotice(''), setUser(name))} />;
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
          <button onClick={() => void signOut()}>Sign out</button>
        </span>
      </header>
      <main>
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          {route.name === 'catalog' && <Catalog />}
          {route.name === 'scenario' && <ScenarioDetail id={route.id} />}
          {route.name === 'practice' && <Practice key={route.sessionId} sessionId={route.sessionId} />}
          {route.name === 'history' && <History />}
          {route.name === 'replay' && <Replay sessionId={route.sessionId} turn={route.turn} />}
          {route.name === 'chat' && <ChatRoom key={route.sessionId} sessionId={route.sessionId} />}
          {route.name === 'live' && <LiveRoom key={route.sessionId} sessionId={route.sessionId} />}
          {route.name === 'free' && <FreePractice />}
          {route.name === 'progress' && <Progress />}
        </Suspense>
      </main>
    </>
  );
}

/** Dev mode: a name. jwt mode: the operator's identity provider, or a word that the web client cannot sign in. */
function SignIn({ notice, onSignedIn }: { notice: string; onSignedIn: (user: string) => void }) {
  const [config, setConfig] = useState<AuthConfigResponse | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    authConfig().then(setConfig, (e: ApiError) => setError(e.message));
  }, []);
  return (
    <main className="signin">
      <h1>Parley</h1>
      <p>Practise real conversations by voice with an AI roleplayer, and get scored feedback.</p>
      {notice && <p role="status" className="notice">{notice}</p>}
      {config?.mode === 'dev' && <NameSignIn onSignedIn={onSignedIn} />}
      {config?.mode === 'jwt' && config.oidc && (
        <button
          className="primary"
          onClick={() => oidc().then((m) => m.startOidcSignIn(config.oidc!)).catch((e: Error) => setError(`${config.oidc!.providerName} cannot be reached (${e.message}).`))}
        >
          Sign in with {config.oidc.providerName}
        </button>
      )}
      {config?.mode === 'jwt' && !config.oidc && (
        <p className="error">This Parley accepts tokens from your organisation's identity provider, but no sign-in for the web is configured. Ask your administrator.</p>
      )}
      {!config && !error && <p aria-busy="true">Loading…</p>}
      {error && <p role="alert" className="error">{error}</p>}
    </main>
  );
}

function NameSignIn({ onSignedIn }: { onSignedIn: (user: string) => void }) {
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
