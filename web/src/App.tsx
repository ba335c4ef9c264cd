import { useEffect, useState } from 'react';

type Health = 'checking' | 'up' | 'down';

/** Placeholder until the trainee client lands: shows that the platform behind it answers. */
export function App() {
  const [health, setHealth] = useState<Health>('checking');

  useEffect(() => {
    fetch('/ready')
      .then((r) => setHealth(r.ok ? 'up' : 'down'))
      .catch(() => setHealth('down'));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Parley</h1>
      <p>Voice conversation practice: pick a scenario, talk with an AI roleplayer, get scored feedback.</p>
      <p>
        Platform status: <strong>{health}</strong>
      </p>
      <p>The trainee client is being built. The REST API is served under <code>/api</code>.</p>
    </main>
  );
}
