import {
  MAX_TURN_AUDIO_BYTES,
  terminationMessages,
  type ErrorBody,
  type SessionState,
  type SessionView,
  type TerminationReason,
  type TurnView,
} from '@parley/contracts';
import { useEffect, useRef, useState } from 'react';
import { request } from './api/client';
import { practiceSocket, type PracticeSocket } from './api/practice-socket';
import { TurnRecorder } from './audio/recorder';
import { EvaluationPanel } from './Evaluation';
import { navigate } from './router';

type Status = 'connecting' | 'waiting' | 'your turn' | 'listening' | 'sending' | 'AI speaking' | 'ended';

type PendingTurn = { mp3: Uint8Array; startedAt: Date; endedAt: Date; sequence: number };

/** The practice room (turn mode): record a turn, send it, hear the AI's reply, until the session ends. */
export function Practice({ sessionId }: { sessionId: string }) {
  const [sessionView, setSession] = useState<SessionView | null>(null);
  const [turns, setTurns] = useState<TurnView[]>([]);
  const [status, setStatus] = useState<Status>('connecting');
  const [termination, setTermination] = useState<{ reason: TerminationReason; message: string } | null>(null);
  const [problem, setProblem] = useState<(ErrorBody & { resend?: PendingTurn }) | null>(null);
  const [levelValue, setLevel] = useState(0);
  const [size, setSize] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [evaluationKey, setEvaluationKey] = useState(0);
  const socket = useRef<PracticeSocket | null>(null);
  const recorder = useRef<TurnRecorder | null>(null);
  const played = useRef(playedTurns(sessionId));
  const conversation = useRef<HTMLOListElement | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);

  const merge = (incoming: TurnView[]) =>
    setTurns((current) => {
      const byId = new Map(current.map((t) => [t.id, t]));
      for (const t of incoming) byId.set(t.id, { ...byId.get(t.id), ...t });
      return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
    });

  const refresh = () => request<SessionState>('GET', `/api/sessions/${sessionId}`).then((s) => (setSession(s.session), merge(s.turns)));

  useEffect(() => {
    const s = practiceSocket();
    socket.current = s;
    s.on('connect', () => {
      s.emit('join', { sessionId }, (ack) => {
        if (!ack.ok) return setProblem(ack.error);
        setSession(ack.session);
        // Coming back (Back button, reload): what was already there is not played again; at most the latest AI
        // turn, if it was never played, starts by itself.
        const latest = ack.turns.at(-1);
        for (const t of ack.turns) if (t !== latest || t.speaker !== 'ai') markPlayed(sessionId, played.current, t.id);
        merge(ack.turns);
        if (ack.session.status === 'ended' || ack.session.status === 'failed') {
          setStatus('ended');
          if (ack.session.terminationReason) {
            setTermination({ reason: ack.session.terminationReason, message: terminationMessages[ack.session.terminationReason] });
          }
        } else setStatus(ack.turns.length % 2 === 1 ? 'your turn' : 'waiting');
      });
    });
    s.on('ai_turn', ({ turn }) => {
      merge([turn]);
      setStatus((current) => (current === 'ended' ? current : 'your turn'));
      void refresh();
    });
    s.on('transcript', ({ turnId, text, status: transcription }) =>
      setTurns((current) => current.map((t) => (t.id === turnId ? { ...t, text, transcriptionStatus: transcription } : t))),
    );
    s.on('termination', ({ reason, message }) => {
      setTermination({ reason, message });
      setStatus('ended');
      void refresh();
    });
    s.on('evaluation_ready', () => setEvaluationKey((k) => k + 1));
    s.on('error', (e) => setProblem({ ...e, status: 0 }));
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(clock);
      s.close();
    };
  }, [sessionId]);

  const nextSequence = turns.length ? turns[turns.length - 1]!.sequence + 1 : 1;

  async function startRecording() {
    // Speaking over the AI is allowed: it is the trainee's turn either way.
    if (status !== 'your turn' && status !== 'AI speaking') return;
    setProblem(null);
    // The trainee speaks: the AI's voice stops.
    conversation.current?.querySelectorAll('audio').forEach((audio) => audio.pause());
    const r = new TurnRecorder({ onLevel: setLevel, onSize: setSize, onLimit: () => void stopRecording() });
    recorder.current = r;
    try {
      await r.start();
      setStatus('listening');
    } catch (error) {
      recorder.current = null;
      const denied = (error as DOMException).name === 'NotAllowedError';
      setProblem({
        code: 'validation_failed',
        status: 0,
        retryable: true,
        message: denied
          ? 'Microphone access was denied. Allow the microphone for this site in your browser settings, then try again.'
          : `The microphone could not be started (${(error as Error).message}).`,
      });
    }
  }

  async function stopRecording() {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    const { mp3, startedAt, endedAt } = await r.stop();
    setLevel(0);
    await send({ mp3, startedAt, endedAt, sequence: nextSequence });
  }

  async function send(turn: PendingTurn) {
    setStatus('sending');
    socket.current?.emit(
      'trainee_turn',
      { sessionId, sequence: turn.sequence, startedAt: turn.startedAt.toISOString(), endedAt: turn.endedAt.toISOString(), audio: turn.mp3 },
      (ack) => {
        setSize(0);
        if (ack.ok) {
          setStatus('waiting');
          void refresh();
        } else {
          setStatus('your turn');
          setProblem({ ...ack.error, resend: ack.error.retryable ? turn : undefined });
        }
      },
    );
  }

  const stop = () => socket.current?.emit('stop', { sessionId }, () => undefined);
  const practiseAgain = async () => {
    const next = await request<SessionState>('POST', `/api/sessions/${sessionId}/practice-again`, { clientSessionStartedAt: new Date().toISOString() });
    navigate(`/practice/${next.session.id}`);
  };

  const secondsLeft = (iso: string | null | undefined) => (iso ? Math.max(0, Math.round((Date.parse(iso) - now) / 1000)) : null);
  const timeLeft = secondsLeft(sessionView?.deadlines.maxDurationAt);
  const idleLeft = secondsLeft(sessionView?.deadlines.idleAt);

  return (
    <section aria-labelledby="practice-title" className="practice">
      <h1 id="practice-title">{sessionView?.scenarioTitle ?? 'Practice'}</h1>
      {sessionView?.offlineRoleplayer && (
        <p className="notice">Offline roleplayer: the other side follows the scenario's script (no language model is configured).</p>
      )}
      <p className="status" aria-live="polite" data-testid="status">
        Status: <strong>{status === 'waiting' ? (turns.some((t) => t.speaker === 'trainee') ? 'waiting for reply' : 'the AI is opening the conversation') : status === 'listening' ? 'recording' : status}</strong>
        {status !== 'ended' && timeLeft !== null && <> · {Math.floor(timeLeft / 60)}:{String(timeLeft % 60).padStart(2, '0')} left</>}
        {status === 'your turn' && idleLeft !== null && idleLeft < 20 && <span className="warning"> · Say something: the practice ends in {idleLeft} s</span>}
      </p>
      <ol className="conversation" aria-live="polite" aria-label="Conversation" ref={conversation}>
        {turns.map((t) => (
          <li key={t.id} className={`bubble ${t.speaker}`} data-testid={`turn-${t.sequence}`}>
            <span className="who">{t.speaker === 'ai' ? 'AI' : 'You'}</span>
            <p>{t.text ?? (t.transcriptionStatus === 'failed' ? '(could not be transcribed)' : '(transcribing…)')}</p>
            {t.audioUrl && (
              <audio
                controls
                src={t.audioUrl}
                autoPlay={t.speaker === 'ai' && !played.current.has(t.id) && status !== 'ended'}
                onPlay={() => {
                  markPlayed(sessionId, played.current, t.id);
                  if (t.speaker === 'ai') setStatus((current) => (current === 'your turn' ? 'AI speaking' : current));
                }}
                onEnded={() => setStatus((current) => (current === 'AI speaking' ? 'your turn' : current))}
                aria-label={`Audio of turn ${t.sequence}`}
              />
            )}
          </li>
        ))}
      </ol>
      {problem && (
        <div role="alert" className="error">
          {problem.message}
          {problem.resend && (
            <button onClick={() => (setProblem(null), void send(problem.resend!))}>Resend</button>
          )}
        </div>
      )}
      {termination ? (
        <div className={`banner ${termination.reason}`} role="status" data-testid="termination">
          <p>{termination.message}</p>
          <button onClick={practiseAgain}>Practise again</button>
        </div>
      ) : (
        <div className="controls dock">
          <button
            className={`record${status === 'listening' ? ' recording' : ''}`}
            aria-pressed={status === 'listening'}
            disabled={status !== 'your turn' && status !== 'listening' && status !== 'AI speaking'}
            onPointerDown={() => void startRecording()}
            onPointerUp={() => void stopRecording()}
            onKeyDown={(e) => e.key === ' ' && !e.repeat && void startRecording()}
            onKeyUp={(e) => e.key === ' ' && void stopRecording()}
          >
            {status === 'listening' ? '● Recording… release to send' : 'Hold to talk'}
          </button>
          <button
            disabled={status !== 'your turn' && status !== 'listening' && status !== 'AI speaking'}
            onClick={() => void (status === 'listening' ? stopRecording() : startRecording())}
          >
            {status === 'listening' ? 'Stop recording' : 'Tap to record'}
          </button>
          <meter aria-label="Input level" min={0} max={1} value={levelValue} />
          <span aria-label="Recording size">
            {Math.round(size / 1024)} KB of {MAX_TURN_AUDIO_BYTES / 1024} KB
          </span>
          <span className="stop-area">
            {confirmStop ? (
              <span role="group" aria-label="Confirm ending" className="confirm">
                <span>End the practice?</span>
                <button className="danger" onClick={() => (setConfirmStop(false), stop())}>Yes, end it</button>
                <button onClick={() => setConfirmStop(false)}>Keep practising</button>
              </span>
            ) : (
              <button className="danger" onClick={() => setConfirmStop(true)}>
                Stop practice
              </button>
            )}
          </span>
        </div>
      )}
      {termination && <EvaluationPanel sessionId={sessionId} refreshKey={evaluationKey} awaitReady />}
    </section>
  );
}

/** AI clips already heard in this tab, per session, so coming back does not play them again. */
const playedKey = (sessionId: string) => `parley.played.${sessionId}`;
function playedTurns(sessionId: string): Set<string> {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(playedKey(sessionId)) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}
function markPlayed(sessionId: string, played: Set<string>, turnId: string): void {
  if (played.has(turnId)) return;
  played.add(turnId);
  sessionStorage.setItem(playedKey(sessionId), JSON.stringify([...played]));
}
