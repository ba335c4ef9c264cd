import {
  MAX_CHAT_MESSAGE_CHARS,
  isOpenStatus,
  terminationMessages,
  type SessionDetail,
  type SessionView,
  type TerminationReason,
  type TurnView,
} from '@parley/contracts';
import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../api/client';
import { practiceSocket } from '../api/practice-socket';
import { EvaluationPanel } from '../Evaluation';
import { navigate } from '../router';
import { roomPath } from '../ScenarioDetail';
import { readStream, type StreamEvent } from './sse';

/** A counter turns amber this close to the limit. */
const NEAR_LIMIT = MAX_CHAT_MESSAGE_CHARS - 400;
const MAX_RECONNECTS = 6;

/** The reply being written: its text so far and the id of the last event received (to resume without repeats). */
interface Reply {
  sequence: number;
  text: string;
  lastEventId?: string;
  state: 'waiting' | 'streaming' | 'reconnecting';
}

/** A message shown until the server has stored it. */
type ShownTurn = Pick<TurnView, 'sequence' | 'speaker' | 'text'> & { id: string; pending?: boolean };

const savedKey = (sessionId: string) => `parley.chat.${sessionId}`;
function saved(sessionId: string, sequence: number): { text: string; lastEventId?: string } | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(savedKey(sessionId)) ?? 'null');
    return value && value.sequence === sequence ? value : null;
  } catch {
    return null;
  }
}
const save = (sessionId: string, reply: Reply) =>
  sessionStorage.setItem(savedKey(sessionId), JSON.stringify({ sequence: reply.sequence, text: reply.text, lastEventId: reply.lastEventId }));
const forget = (sessionId: string) => sessionStorage.removeItem(savedKey(sessionId));

/** A refused message, in words a trainee can act on. */
function explain(error: ApiError): string {
  switch (error.body.status) {
    case 409:
      return /stream|reply|answer/i.test(error.message) || error.body.code === 'conflict'
        ? `Wait for the reply to finish before sending another message. (${error.message})`
        : error.message;
    case 413:
      return `Your message is too long: at most ${MAX_CHAT_MESSAGE_CHARS} characters per message. Shorten it or send it in parts.`;
    case 422:
      return error.message === 'The message is empty' ? 'Type a message before sending.' : error.message;
    case 429:
      return 'You are sending messages too quickly. Wait a moment, then try again.';
    default:
      return error.message;
  }
}

/** The text practice room (SPEC §8): messages typed, the AI's reply streamed word by word. */
export function ChatRoom({ sessionId }: { sessionId: string }) {
  const [sessionView, setSession] = useState<SessionView | null>(null);
  const [persona, setPersona] = useState('AI');
  const [turns, setTurns] = useState<ShownTurn[]>([]);
  const [reply, setReply] = useState<Reply | null>(null);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const [loadError, setLoadError] = useState('');
  const [termination, setTermination] = useState<{ reason: TerminationReason; message: string } | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [evaluationKey, setEvaluationKey] = useState(0);
  const [now, setNow] = useState(Date.now());
  const alive = useRef(true);
  const streamAbort = useRef<AbortController | null>(null);
  const following = useRef<number | null>(null);
  const logEnd = useRef<HTMLDivElement | null>(null);
  const ended = useRef(false);

  const merge = (incoming: ShownTurn[]) =>
    setTurns((current) => {
      const bySequence = new Map(current.map((t) => [t.sequence, t]));
      for (const t of incoming) bySequence.set(t.sequence, t);
      return [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
    });

  const showEnd = (view: SessionView) => {
    if (!isOpenStatus(view.status) && view.terminationReason) {
      ended.current = true;
      setTermination({ reason: view.terminationReason, message: terminationMessages[view.terminationReason] });
    }
  };

  async function refresh(): Promise<SessionDetail | null> {
    try {
      const detail = await request<SessionDetail>('GET', `/api/sessions/${sessionId}`);
      if (!alive.current) return null;
      setSession(detail.session);
      if (detail.scenario?.persona?.name) setPersona(detail.scenario.persona.name);
      // Stored turns replace the pending copies shown meanwhile.
      setTurns((current) => {
        const stored = new Set(detail.turns.map((t) => t.sequence));
        return [...current.filter((t) => !stored.has(t.sequence)), ...detail.turns].sort((a, b) => a.sequence - b.sequence);
      });
      showEnd(detail.session);
      return detail;
    } catch (e) {
      if (alive.current) setLoadError((e as ApiError).message);
      return null;
    }
  }

  /**
   * Follows the reply that becomes turn `sequence`: posts the message (when `message` is given), then reads tokens
   * until `done` or `error`. A dropped connection is resumed with Last-Event-ID: the server replays exactly the
   * events after the last one shown, so no word appears twice.
   */
  async function follow(sequence: number, message?: string) {
    if (following.current === sequence) return;
    following.current = sequence;
    const streamId = `${sessionId}.${sequence}`;
    const resumeFrom = message === undefined ? saved(sessionId, sequence) : null;
    let current: Reply = { sequence, text: resumeFrom?.text ?? '', lastEventId: resumeFrom?.lastEventId, state: 'waiting' };
    setReply(current);
    const onEvent = (event: StreamEvent) => {
      if (event.event === 'token') {
        const delta = (event.data as { delta: string }).delta;
        current = { ...current, text: current.text + delta, lastEventId: event.id, state: 'streaming' };
        save(sessionId, current);
      } else if (event.event === 'stream') {
        current = { ...current, lastEventId: current.lastEventId ?? event.id };
      } else if (event.event === 'done') {
        const turn = event.data as TurnView;
        merge([turn]);
        current = { ...current, state: 'streaming' };
      } else if (event.event === 'error') {
        const body = event.data as { code?: string; message?: string };
        if (body.code !== 'session_ended' || !ended.current) setProblem(`The reply could not be completed: ${body.message ?? 'unknown error'}`);
      }
      if (alive.current) setReply({ ...current });
    };
    try {
      let outcome = await readStream(
        message === undefined ? `/api/chat/streaming/${streamId}` : '/api/chat/streaming',
        message === undefined
          ? { method: 'GET', lastEventId: current.lastEventId, signal: newSignal() }
          : { method: 'POST', body: { sessionId, message }, signal: newSignal() },
        onEvent,
      );
      for (let attempt = 1; outcome === 'dropped' && alive.current; attempt++) {
        if (attempt > MAX_RECONNECTS) throw new ApiError({ code: 'unavailable', status: 0, retryable: true, message: 'The connection to the reply was lost. Reload the page to see it.' });
        current = { ...current, state: 'reconnecting' };
        setReply(current);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 250 * attempt)));
        if (!alive.current) return;
        outcome = await readStream(`/api/chat/streaming/${streamId}`, { method: 'GET', lastEventId: current.lastEventId, signal: newSignal() }, onEvent);
      }
      if (!alive.current) return;
      forget(sessionId);
      setReply(null);
      await refresh();
    } catch (e) {
      if (!alive.current) return;
      const error = e as ApiError;
      forget(sessionId);
      setReply(null);
      if (message !== undefined) {
        // Not stored: the message goes back into the box to edit or resend.
        setTurns((shown) => shown.filter((t) => !(t.pending && t.sequence === sequence - 1)));
        setDraft((d) => d || message);
        setProblem(explain(error));
      } else if (error.body.code !== 'not_found') setProblem(explain(error));
      await refresh();
    } finally {
      if (following.current === sequence) following.current = null;
    }
  }

  function newSignal(): AbortSignal {
    const controller = new AbortController();
    streamAbort.current = controller;
    return controller.signal;
  }

  useEffect(() => {
    alive.current = true;
    void refresh().then((detail) => {
      if (!detail || detail.session.mode !== 'text') return;
      const last = detail.turns.at(-1);
      // Back to a session whose last message has no reply yet: follow that reply (it may be streaming now).
      if (last && last.speaker === 'trainee' && isOpenStatus(detail.session.status)) void follow(last.sequence + 1);
    });
    const s = practiceSocket();
    s.on('connect', () => s.emit('join', { sessionId }, () => undefined));
    s.on('ai_turn', ({ turn }) => merge([turn]));
    s.on('termination', ({ reason, message }) => {
      ended.current = true;
      setTermination({ reason, message });
      void refresh();
    });
    s.on('evaluation_ready', () => setEvaluationKey((k) => k + 1));
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      alive.current = false;
      following.current = null;
      streamAbort.current?.abort();
      clearInterval(clock);
      s.close();
    };
  }, [sessionId]);

  // The opening arrives on the socket; if it was missed, ask for it.
  const noOpening = turns.length === 0 && sessionView !== null && isOpenStatus(sessionView.status);
  useEffect(() => {
    if (!noOpening) return;
    const timer = setInterval(() => void refresh(), 1500);
    return () => clearInterval(timer);
  }, [noOpening]);

  // After the end, the evaluation is fetched once it exists (no 404 polling): announced on the socket, or seen in
  // the session's detail should that announcement be missed.
  const waitingForEvaluation = termination !== null && evaluationKey === 0;
  useEffect(() => {
    if (!waitingForEvaluation) return;
    const timer = setInterval(() => {
      void request<SessionDetail>('GET', `/api/sessions/${sessionId}`).then(
        (detail) => detail.evaluation && setEvaluationKey((k) => k || 1),
        () => undefined,
      );
    }, 2000);
    return () => clearInterval(timer);
  }, [waitingForEvaluation, sessionId]);

  // Braces: in recent Chromium scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    logEnd.current?.scrollIntoView?.({ block: 'end' });
  }, [turns.length, reply?.text]);

  const open = sessionView !== null && isOpenStatus(sessionView.status) && !termination;
  const over = draft.length - MAX_CHAT_MESSAGE_CHARS;
  const lastSequence = turns.at(-1)?.sequence ?? -1;

  async function send(event?: React.FormEvent) {
    event?.preventDefault();
    setProblem('');
    if (reply) return setProblem('Wait for the reply to finish before sending another message.');
    if (!draft.trim()) return setProblem('Type a message before sending.');
    if (over > 0) return setProblem(`Your message is too long: at most ${MAX_CHAT_MESSAGE_CHARS} characters per message (${over} too many). Shorten it or send it in parts.`);
    if (turns.length === 0) return setProblem(`Wait for ${persona} to open the conversation.`);
    const message = draft;
    const sequence = lastSequence + 1;
    setDraft('');
    merge([{ id: `pending-${sequence}`, sequence, speaker: 'trainee', text: message, pending: true }]);
    await follow(sequence + 1, message);
  }

  async function stop() {
    setConfirmStop(false);
    try {
      const view = await request<SessionView>('POST', `/api/sessions/${sessionId}/stop`);
      setSession(view);
      ended.current = true;
      setTermination({ reason: view.terminationReason ?? 'manual_stop', message: terminationMessages[view.terminationReason ?? 'manual_stop'] });
    } catch (e) {
      setProblem((e as ApiError).message);
    }
  }

  async function practiseAgain() {
    try {
      const next = await request<{ session: SessionView }>('POST', `/api/sessions/${sessionId}/practice-again`, { clientSessionStartedAt: new Date().toISOString() });
      navigate(roomPath(next.session));
    } catch (e) {
      setProblem((e as ApiError).message);
    }
  }

  const secondsLeft = (iso: string | null | undefined) => (iso ? Math.max(0, Math.round((Date.parse(iso) - now) / 1000)) : null);
  const timeLeft = open ? secondsLeft(sessionView?.deadlines.maxDurationAt) : null;
  const idleLeft = open && !reply ? secondsLeft(sessionView?.deadlines.idleAt) : null;

  if (loadError && !sessionView) return <p role="alert" className="error">{loadError}</p>;
  if (!sessionView) return <p aria-busy="true">Loading…</p>;
  if (sessionView.mode !== 'text') {
    return (
      <p className="notice">
        This is a {sessionView.mode === 'turn' ? 'voice' : 'live voice'} practice. <a href={`#${roomPath(sessionView)}`}>Open it in its room</a>.
      </p>
    );
  }
  const showReply = reply && !turns.some((t) => t.sequence === reply.sequence);
  const initial = persona.trim().charAt(0).toUpperCase() || 'A';

  return (
    <section aria-labelledby="chat-title" className="chat">
      <header className="room-head">
        <div>
          <p className="tag">Text practice</p>
          <h1 id="chat-title">{sessionView.scenarioTitle}</h1>
          <p className="status meta" aria-live="polite" data-testid="chat-status">
            {termination
              ? 'Ended'
              : reply
                ? reply.state === 'reconnecting'
                  ? 'Connection dropped: picking the reply up where it stopped…'
                  : `${persona} is writing…`
                : turns.length === 0
                  ? `${persona} is opening the conversation…`
                  : 'Your turn'}
            {timeLeft !== null && <> · {Math.floor(timeLeft / 60)}:{String(timeLeft % 60).padStart(2, '0')} left</>}
            {idleLeft !== null && idleLeft < 30 && turns.length > 0 && <span className="warning"> · Write something: the practice ends in {idleLeft} s</span>}
          </p>
        </div>
        {open && (
          <div className="stop-area">
            {confirmStop ? (
              <div role="group" aria-label="Confirm ending" className="confirm">
                <span>End the practice and get your feedback?</span>
                <button className="danger" onClick={() => void stop()}>Yes, end it</button>
                <button onClick={() => setConfirmStop(false)}>Keep practising</button>
              </div>
            ) : (
              <button className="danger" onClick={() => setConfirmStop(true)}>End practice</button>
            )}
          </div>
        )}
      </header>
      {sessionView.offlineRoleplayer && (
        <p className="notice">Offline roleplayer: no language model is configured, so the other side follows a script.</p>
      )}
      <ol className="conversation chat-log" aria-label="Conversation">
        {turns.map((t) => (
          <li key={t.sequence} className={`bubble ${t.speaker}${t.pending ? ' pending' : ''}`} data-testid={`chat-turn-${t.sequence}`}>
            <span className="who">{t.speaker === 'ai' ? <><span className="avatar" aria-hidden="true">{initial}</span>{persona}</> : 'You'}</span>
            <p>{t.text}</p>
          </li>
        ))}
        {showReply && (
          <li className="bubble ai streaming" data-testid={`chat-turn-${reply.sequence}`} aria-busy="true">
            <span className="who"><span className="avatar" aria-hidden="true">{initial}</span>{persona}</span>
            <p>
              {reply.text}
              <span className="caret" aria-hidden="true" />
            </p>
          </li>
        )}
      </ol>
      <div ref={logEnd} />
      {problem && <p role="alert" className="error" data-testid="chat-problem">{problem}</p>}
      {termination ? (
        <>
          <div className={`banner ${termination.reason}`} role="status" data-testid="termination">
            <p>{termination.message}</p>
            <button onClick={() => void practiseAgain()}>Practise again</button>
          </div>
          <EvaluationPanel sessionId={sessionId} refreshKey={evaluationKey} awaitReady />
        </>
      ) : (
        <form className="composer dock" onSubmit={(e) => void send(e)}>
          <label htmlFor="chat-message" className="sr-only">Your message</label>
          <textarea
            id="chat-message"
            value={draft}
            rows={2}
            placeholder={`Write to ${persona}… (Enter sends, Shift+Enter for a new line)`}
            aria-describedby="chat-count"
            aria-invalid={over > 0}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) void send(e);
            }}
          />
          <div className="composer-side">
            <span id="chat-count" className={`counter${over > 0 ? ' over' : draft.length > NEAR_LIMIT ? ' near' : ''}`} aria-live="polite">
              {over > 0 ? `${over} over the ${MAX_CHAT_MESSAGE_CHARS}-character limit` : `${draft.length} / ${MAX_CHAT_MESSAGE_CHARS}`}
            </span>
            <button className="primary" type="submit" disabled={!open || reply !== null}>
              {reply ? 'Replying…' : 'Send'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
