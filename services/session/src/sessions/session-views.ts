import type { LatencyBreakdown, SessionView, StateTransition, TurnView } from '@parley/contracts';
import type { PracticeSession, Turn } from '@parley/db';

export function sessionView(row: PracticeSession, scenarioTitle: string): SessionView {
  return {
    id: row.id,
    userId: row.userId,
    scenarioId: row.scenarioId,
    scenarioVersion: row.scenarioVersion,
    scenarioTitle,
    mode: row.mode,
    status: row.status,
    terminationReason: row.terminationReason,
    offlineRoleplayer: row.offlineRoleplayer,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    deadlines: {
      maxDurationAt: row.maxDurationAt?.toISOString() ?? null,
      idleAt: row.idleAt?.toISOString() ?? null,
    },
    clientStartedAt: row.clientStartedAt.toISOString(),
    clockDriftMs: row.clockDriftMs,
    turnCount: row.nextSequence,
  };
}

export function turnView(row: Turn, audioUrl: string | null): TurnView {
  return {
    id: row.id,
    sequence: row.sequence,
    speaker: row.speaker,
    text: row.text,
    transcriptionStatus: row.transcriptionStatus,
    audioUrl,
    audioBytes: row.audioBytes,
    durationMs: row.durationMs,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt.toISOString(),
    interrupted: row.interrupted,
    heardMs: row.heardMs,
    latency: (row.latency as LatencyBreakdown | null) ?? null,
    transitions: (row.transitions as StateTransition[] | null) ?? null,
    engine: row.engine,
  };
}
