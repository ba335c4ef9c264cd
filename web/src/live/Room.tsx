import {
  terminationMessages,
  type EngineEvent,
  type LatencyStats,
  type RealtimeSettings,
  type RealtimeSettingsPatch,
  type SessionDetail,
  type SessionView,
  type TelemetryEvent,
  type TerminationReason,
  type TurnState,
  type TurnView,
} from '@parley/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../api/client';
import { practiceSocket, type PracticeSocket } from '../api/practice-socket';
import { PcmPlayer } from '../audio/playback';
import { StreamCapture, microphoneProblem } from '../audio/stream-capture';
import { EvaluationPanel } from '../Evaluation';
import { navigate } from '../router';
import { CutMark } from './CutMark';
import { LatencyPanel, type LatencyPoint } from './LatencyPanel';
import { LevelMeter } from './LevelMeter';
import { LiveSettings } from './LiveSettings';
import { MicCheck, type MicProblem } from './MicCheck';
import { TurnStateIndicator } from './TurnStateIndicator';
import './live.css';

type Phase = 'loading' | 'check' | 'live' | 'ended';

/** Seconds left before the idle timeout at which the trainee is warned. */
const IDLE_WARNING_SECONDS = 20;

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('') || '?';

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * The realtime voice room (SPEC §7): microphone check, then a live conversation streamed both ways over the
 * `/practice` socket, with the turn-taking state, live transcripts, both voices' levels, latency and settings.
 */
export default function LiveRoomView({ sessionId }: { sessionId: string }) {
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [view, setView] = useState<SessionView | null>(null);
  const [turns, setTurns] = useState<TurnView[]>([]);
  const [phase, setPhase] = useState<Phase>('loading');
  const [micOpen, setMicOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [micProblem, setMicProblem] = useState<MicProblem | null>(null);
  const [turnState, setTurnState] = useState<TurnState | null>(null);
  const [speaking, setSpeaking] = useState(false);
  const [partial, setPartial] = useState<{ turnId: string; text: string; final: boolean } | null>(null);
  const [aiLive, setAiLive] = useState<{ turnId: string; text: string } | null>(null);
  /** Everything the AI generated per turn (to show what an interruption cut off). */
  const [generated, setGenerated] = useState<Record<string, string>>({});
  const [points, setPoints] = useState<LatencyPoint[]>([]);
  const [telemetry, setTelemetry] = useState<TelemetryEvent | null>(null);
  const [stats, setStats] = useState<LatencyStats | null>(null);
  const [interruptions, setInterruptions] = useState(0);
  const [settings, setSettings] = useState<RealtimeSettings | null>(null);
  const [engine, setEngine] = useState<EngineEvent | null>(null);
  const [termination, setTermination] = useState<{ reason: TerminationReason; message: string } | null>(null);
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [connected, setConnected] = useState(true);
  const [playing, setPlaying] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [idleFrom, setIdleFrom] = useState<number | null>(null);
  const [evaluationKey, setEvaluationKey] = useState(0);
  /** Ended while in the room (the evaluation is announced), rather than opened after the end. */
  const [endedHere, setEndedHere] = useState(false);
  const [now, setNow] = useState(Date.now());

  const socket = useRef<PracticeSocket | null>(null);
  const capture = useRef<StreamCapture | null>(null);
  const player = useRef<PcmPlayer | null>(null);
  const seq = useRef(0);
  const phaseRef = useRef<Phase>('loading');
  const aiLiveRef = useRef<{ turnId: string; text: string } | null>(null);
  /** ms heard of turns the trainee cut with the button, before the server confirmed. */
  const cutByButton = useRef(new Map<string, number>());
  const setPhaseBoth = (next: Phase) => ((phaseRef.current = next), setPhase(next));

  const persona = detail?.scenario.persona.name ?? 'The roleplayer';
  const idleTimeoutSec = detail?.scenario.endCriteria.idleTimeoutSec ?? null;

  const merge = useCallback(
    (incoming: TurnView[]) =>
      setTurns((current) => {
        const byId = new Map(current.map((t) => [t.id, t]));
        for (const t of incoming) byId.set(t.id, { ...byId.get(t.id), ...t });
        return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
      }),
    [],
  );

  const loadDetail = useCallback(
    () =>
      request<SessionDetail>('GET', `/api/sessions/${sessionId}`).then(
        (d) => (setDetail(d), setView(d.session), merge(d.turns)),
        () => undefined,
      ),
    [sessionId, merge],
  );

  const loadStats = useCallback(
    () => request<LatencyStats>('GET', `/api/sessions/${sessionId}/latency-stats`).then(setStats, () => undefined),
    [sessionId],
  );

  const releaseAudio = useCallback(() => {
    void capture.current?.close();
    capture.current = null;
    void player.current?.close();
    player.current = null;
    setMicOpen(false);
    setPlaying(false);
  }, []);

  const end = useCallback(
    (reason: TerminationReason | null, message?: string) => {
      setPhaseBoth('ended');
      releaseAudio();
      if (reason) setTermination({ reason, message: message ?? terminationMessages[reason] });
    },
    [releaseAudio],
  );

  /** (Re)starts or resumes the conversation on this connection; the AI opens on a fresh one. */
  const rtStart = useCallback(
    (s: PracticeSocket) =>
      new Promise<boolean>((resolve) => {
        s.emit('rt_start', { sessionId }, (ack) => {
          if (!ack.ok) {
            if (ack.error.code === 'session_ended') end(null);
            setProblem(ack.error.message);
            return resolve(false);
          }
          setSettings(ack.settings);
          setTurnState(ack.state);
          setEngine((e) => e ?? { sessionId, engine: ack.engine });
          resolve(true);
        });
      }),
    [sessionId, end],
  );

  useEffect(() => {
    void loadDetail();
    const s = practiceSocket();
    socket.current = s;
    s.on('connect', () => {
      setConnected(true);
      s.emit('join', { sessionId }, (ack) => {
        if (!ack.ok) return setProblem(ack.error.message);
        setView(ack.session);
        merge(ack.turns);
        if (ack.session.status === 'ended' || ack.session.status === 'failed') {
          end(ack.session.terminationReason);
        } else if (phaseRef.current === 'live') {
          void rtStart(s); // back after a dropped connection: the conversation goes on
        } else if (phaseRef.current === 'loading') {
          setPhaseBoth('check');
        }
      });
    });
    s.on('disconnect', () => setConnected(false));
    s.on('state_change', (e) => {
      setTurnState(e.to);
      if (e.to !== 'IDLE') setIdleFrom(null);
      else setIdleFrom(Date.parse(e.at));
    });
    s.on('speech', (e) => {
      setSpeaking(e.speaking);
      if (e.speaking) setPartial((p) => (p && !p.final ? p : null));
    });
    s.on('rt_transcript', (e) => setPartial({ turnId: e.turnId, text: e.text, final: e.final }));
    s.on('ai_text', (e) => {
      const current = aiLiveRef.current;
      const next = current?.turnId === e.turnId ? { turnId: e.turnId, text: current.text + e.delta } : { turnId: e.turnId, text: e.delta };
      aiLiveRef.current = next;
      setAiLive(next);
      setGenerated((g) => ({ ...g, [e.turnId]: next.text }));
    });
    s.on('ai_audio_chunk', (e) => {
      const p = player.current;
      if (!p) return;
      p.enqueue(e.turnId, e.pcm, e.sampleRate, e.final);
      setPlaying(p.isPlaying());
    });
    s.on('interrupted', (e) => {
      const p = player.current;
      const played = cutByButton.current.get(e.turnId) ?? p?.stop(e.turnId) ?? 0;
      cutByButton.current.delete(e.turnId);
      setPlaying(false);
      setInterruptions((n) => n + 1);
      s.emit('playback', { sessionId, turnId: e.turnId, playedMs: Math.round(played) });
    });
    s.on('turn_stored', ({ turn }) => {
      merge([turn]);
      if (turn.speaker === 'trainee') setPartial((p) => (p?.turnId === turn.id ? null : p));
      else if (aiLiveRef.current?.turnId === turn.id) (aiLiveRef.current = null), setAiLive(null);
      void loadDetail(); // fresh deadlines
      if (turn.speaker === 'ai') void loadStats(); // the latency event comes before the turn is stored
    });
    s.on('latency', (e) => {
      setPoints((list) => (list.some((p) => p.turnId === e.turnId) ? list : [...list, { ...e, turn: list.length + 1 }]));
      void loadStats();
    });
    s.on('telemetry', setTelemetry);
    s.on('engine', setEngine);
    s.on('termination', ({ reason, message }) => {
      setEndedHere(true);
      end(reason, message);
      void loadDetail();
    });
    s.on('evaluation_ready', () => setEvaluationKey((k) => k + 1));
    // A retryable hiccup (a slow answer to a report, say) is shown for a moment; anything else stays.
    s.on('error', (e) => {
      clearTimeout(noticeTimer.current);
      if (e.retryable) {
        setNotice(`${e.message}; carrying on.`);
        noticeTimer.current = setTimeout(() => setNotice(''), 6000);
      } else setProblem(e.message);
    });
    const tick = setInterval(() => setNow(Date.now()), 500);
    return () => {
      clearInterval(tick);
      clearTimeout(noticeTimer.current);
      s.close();
      releaseAudio();
    };
  }, [sessionId, merge, loadDetail, loadStats, rtStart, end, releaseAudio]);

  /** Keeps the "is anything playing" flag in step with the audio clock. */
  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => setPlaying(!!player.current?.isPlaying()), 200);
    return () => clearInterval(t);
  }, [playing]);

  async function checkMicrophone(processing: boolean) {
    setBusy(true);
    setMicProblem(null);
    try {
      capture.current = await StreamCapture.open(
        {
          onFrame: (pcm) => socket.current?.emit('audio_frame', { sessionId, seq: seq.current++, pcm: pcm.buffer as ArrayBuffer }),
        },
        processing,
      );
      setMicOpen(true);
    } catch (error) {
      setMicProblem(microphoneProblem(error));
    } finally {
      setBusy(false);
    }
  }

  async function start() {
    const s = socket.current;
    if (!s || !capture.current) return;
    setBusy(true);
    setProblem('');
    const p = new PcmPlayer({
      onTurnEnd: (turnId, playedMs) => {
        setPlaying(false);
        s.emit('playback', { sessionId, turnId, playedMs });
      },
    });
    player.current = p;
    await p.resume();
    capture.current.startSending();
    setPhaseBoth('live');
    const ok = await rtStart(s);
    setBusy(false);
    if (!ok && phaseRef.current === 'live') setPhaseBoth('check');
  }

  function interrupt() {
    const p = player.current;
    const turnId = p?.playingTurn ?? aiLiveRef.current?.turnId ?? null;
    if (turnId && p) cutByButton.current.set(turnId, p.stop(turnId));
    setPlaying(false);
    socket.current?.emit('interrupt', { sessionId });
  }

  function changeSettings(patch: RealtimeSettingsPatch) {
    setSettings((current) => (current ? { ...current, ...patch } : current));
    socket.current?.emit('update_settings', { sessionId, settings: patch }, (ack) => {
      if (ack.ok) setSettings(ack.settings);
      else setProblem(ack.error.message);
    });
  }

  function stopPractice() {
    setConfirmEnd(false);
    socket.current?.emit('stop', { sessionId }, (ack) => {
      if (!ack.ok) setProblem(ack.error.message);
    });
  }

  async function practiseAgain() {
    const next = await request<{ session: SessionView }>('POST', `/api/sessions/${sessionId}/practice-again`, {
      clientSessionStartedAt: new Date().toISOString(),
    });
    navigate(next.session.mode === 'realtime' ? `/live/${next.session.id}` : `/practice/${next.session.id}`);
  }

  const secondsUntil = (at: number | null) => (at === null ? null : Math.max(0, Math.round((at - now) / 1000)));
  const maxAt = view?.deadlines.maxDurationAt ? Date.parse(view.deadlines.maxDurationAt) : null;
  const serverIdleAt = view?.deadlines.idleAt ? Date.parse(view.deadlines.idleAt) : null;
  const localIdleAt = idleFrom !== null && idleTimeoutSec !== null ? idleFrom + idleTimeoutSec * 1000 : null;
  const idleAt = localIdleAt !== null && serverIdleAt !== null ? Math.max(localIdleAt, serverIdleAt) : (localIdleAt ?? serverIdleAt);
  const timeLeft = secondsUntil(maxAt);
  const idleLeft = turnState === 'IDLE' && !speaking ? secondsUntil(idleAt) : null;
  const aiActive = turnState === 'COMMITTED' || turnState === 'SPEAKING';
  const pendingTrainee = partial && !turns.some((t) => t.id === partial.turnId) ? partial : null;
  const pendingAi = aiLive && !turns.some((t) => t.id === aiLive.turnId) ? aiLive : null;

  return (
    <section className="live" aria-labelledby="live-title">
      <header className="live-head">
        <div>
          <p className="tag">Live voice practice</p>
          <h1 id="live-title">{view?.scenarioTitle ?? detail?.session.scenarioTitle ?? 'Live practice'}</h1>
        </div>
        {phase === 'live' && (
          <p className="live-clock" data-testid="time-left" aria-label="Time left">
            {timeLeft !== null ? `${clock(timeLeft)} left` : ''}
          </p>
        )}
      </header>
      {(view?.offlineRoleplayer ?? detail?.session.offlineRoleplayer) && (
        <p className="notice">Offline roleplayer: the other side follows the scenario's script (no language model is configured).</p>
      )}
      {engine?.fallbackFrom && (
        <p className="notice" role="status">
          The speech-to-speech engine is unavailable; the conversation goes on with transcription, text and synthesis.
        </p>
      )}
      {!connected && phase !== 'ended' && (
        <p className="notice" role="status">Connection lost: reconnecting…</p>
      )}
      {notice && (
        <p role="status" className="meta live-notice">
          {notice}
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}

      {phase === 'loading' && <p aria-busy="true">Connecting…</p>}

      {phase === 'ended' && (
        <div className={`banner ${termination?.reason ?? ''}`} role="status" data-testid="termination">
          <p>{termination?.message ?? 'This practice has ended.'}</p>
          <button onClick={() => void practiseAgain()}>Practise again</button>
        </div>
      )}

      {phase === 'check' && (
        <MicCheck
          persona={persona}
          open={micOpen}
          busy={busy}
          problem={micProblem}
          readLevel={() => capture.current?.level ?? 0}
          onCheck={(processing) => void checkMicrophone(processing)}
          onStart={() => void start()}
        />
      )}

      {(phase === 'live' || phase === 'ended') && (
        <div className="live-grid">
          <div className="live-main">
            <div className="stage panel">
              <div className="persona">
                <span className={`avatar ${turnState === 'SPEAKING' ? 'talking' : ''}`} aria-hidden="true">
                  {initials(persona)}
                </span>
                <div>
                  <strong data-testid="persona-name">{persona}</strong>
                  <span className="meta">{detail?.scenario.persona.role}</span>
                </div>
              </div>
              {phase === 'live' && <TurnStateIndicator state={turnState} persona={persona} speaking={speaking} />}
              {phase === 'live' && (
                <div className="levels">
                  <LevelMeter label="Your voice" read={() => capture.current?.level ?? 0} tone="you" />
                  <LevelMeter label={`${persona}'s voice`} read={() => player.current?.level() ?? 0} tone="them" />
                </div>
              )}
              {phase === 'live' && idleLeft !== null && idleLeft <= IDLE_WARNING_SECONDS && (
                <p className="warning idle-warning" role="status" data-testid="idle-warning">
                  Still there? Say something: the practice ends in {idleLeft} s.
                </p>
              )}
              {phase === 'live' && (
                <div className="live-controls">
                  <button onClick={interrupt} disabled={!aiActive} data-testid="interrupt" data-playing={playing ? 'true' : 'false'}>
                    Interrupt
                  </button>
                  {confirmEnd ? (
                    <span className="confirm" role="group" aria-label="End the practice?">
                      End now?
                      <button className="danger" onClick={stopPractice}>
                        End practice
                      </button>
                      <button onClick={() => setConfirmEnd(false)}>Keep going</button>
                    </span>
                  ) : (
                    <button className="danger quiet" onClick={() => setConfirmEnd(true)}>
                      End practice…
                    </button>
                  )}
                </div>
              )}
            </div>

            <ol className="conversation live-conversation" aria-live="polite" aria-label="Conversation">
              {turns.map((t) => (
                <li key={t.id} className={`bubble ${t.speaker} ${t.interrupted ? 'cut' : ''}`} data-testid={`turn-${t.sequence}`}>
                  <span className="who">{t.speaker === 'ai' ? persona : 'You'}</span>
                  <p>
                    {t.text ?? '…'}
                    {t.speaker === 'ai' && t.interrupted && generated[t.id] && t.text && generated[t.id]!.startsWith(t.text) && (
                      <span className="unheard" aria-label="not heard">
                        {generated[t.id]!.slice(t.text.length)}
                      </span>
                    )}
                    <CutMark turn={t} />
                  </p>
                </li>
              ))}
              {pendingTrainee && (
                <li className="bubble trainee live-partial" data-testid="partial-transcript">
                  <span className="who">You {pendingTrainee.final ? '' : '(speaking…)'}</span>
                  <p>{pendingTrainee.text || '…'}</p>
                </li>
              )}
              {pendingAi && (
                <li className="bubble ai live-partial" data-testid="ai-live-text">
                  <span className="who">{persona}</span>
                  <p>{pendingAi.text}</p>
                </li>
              )}
            </ol>
          </div>

          <aside className="live-side">
            <LatencyPanel points={points} telemetry={telemetry} stats={stats} interruptions={interruptions} debounceMs={settings?.debounceMs ?? null} />
            {phase === 'live' && (
              <LiveSettings settings={settings} personaVoice={detail?.scenario.persona.voice} disabled={phase !== 'live'} onChange={changeSettings} />
            )}
          </aside>
        </div>
      )}

      {phase === 'ended' && <EvaluationPanel sessionId={sessionId} refreshKey={evaluationKey} awaitReady={endedHere} />}
    </section>
  );
}
