import type {
  EvaluationView,
  HistoryItem,
  Page,
  ScenarioView,
  SessionDetail,
  SessionState,
  SessionView,
  Skill,
} from '@parley/contracts';
import { authStore } from '../auth/auth-store';
import { ApiClient, type QueryValue } from './client';

export { ApiError, describeError } from './errors';

export const api = new ApiClient({ token: authStore.token, onUnauthorized: authStore.expired });

const enc = encodeURIComponent;

export interface DevTokenResponse {
  token: string;
  userId: string;
  roles: string[];
}

export interface ScenarioQuery {
  search?: string;
  category?: string;
  difficulty?: string;
  skill?: string;
  page?: number;
  pageSize?: number;
}

export interface HistoryRequest {
  historyStepCount: number;
  page?: number;
  sort?: 'startedAtDesc' | 'startedAtAsc';
  search?: string;
  scenarioId?: string;
  status?: string;
  mode?: string;
  from?: string;
  to?: string;
}

/** Typed calls of the gateway's REST API (services/gateway/src). */
export const endpoints = {
  devToken: (userId: string) => api.post<DevTokenResponse>('/api/auth/dev-token', { userId }, { anonymous: true }),

  scenarios: (query: ScenarioQuery, signal?: AbortSignal) =>
    api.get<Page<ScenarioView>>('/api/scenarios', { query: query as Record<string, QueryValue>, signal }),
  scenario: (id: string, signal?: AbortSignal) => api.get<ScenarioView>(`/api/scenarios/${enc(id)}`, { signal }),
  skills: (signal?: AbortSignal) => api.get<Skill[]>('/api/skills', { signal }),

  createSession: (scenarioId: string) =>
    api.post<SessionState>('/api/sessions', { scenarioId, mode: 'turn', clientSessionStartedAt: new Date().toISOString() }),
  session: (id: string, signal?: AbortSignal) => api.get<SessionDetail>(`/api/sessions/${enc(id)}`, { signal }),
  sessions: (query: HistoryRequest, signal?: AbortSignal) =>
    api.get<Page<HistoryItem>>('/api/sessions', { query: query as unknown as Record<string, QueryValue>, signal }),
  stopSession: (id: string) => api.post<SessionView>(`/api/sessions/${enc(id)}/stop`),
  deleteSession: (id: string) => api.delete<void>(`/api/sessions/${enc(id)}`),
  practiceAgain: (id: string) =>
    api.post<SessionState>(`/api/sessions/${enc(id)}/practice-again`, { clientSessionStartedAt: new Date().toISOString() }),

  evaluation: (sessionId: string, signal?: AbortSignal) =>
    api.get<EvaluationView>(`/api/sessions/${enc(sessionId)}/evaluation`, { signal }),
  requeueEvaluation: (sessionId: string) => api.post<EvaluationView>(`/api/sessions/${enc(sessionId)}/evaluation`),
};
