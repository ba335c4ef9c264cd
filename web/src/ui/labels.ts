import type { ScenarioView } from '@parley/contracts';

export const categoryLabel: Record<string, string> = {
  sales: 'Sales',
  customer_support: 'Customer support',
  management: 'Management',
  interviews: 'Interviews',
  language: 'Language practice',
  negotiation: 'Negotiation',
  healthcare: 'Healthcare',
};

export function endCriteriaInWords(s: ScenarioView): string {
  const e = s.endCriteria;
  if (!e?.maxDurationSec) return '';
  return `Up to ${Math.round(e.maxDurationSec / 60)} minutes and ${e.maxTurns} of your turns; it ends after ${e.idleTimeoutSec} seconds of silence.`;
}

export const formatDate = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
export const formatDuration = (ms: number | null) =>
  ms === null ? '—' : `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}`;
