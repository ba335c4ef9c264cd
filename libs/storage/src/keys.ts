/**
 * Object key layout. Everything of a session lives under `sessions/<sessionId>/`, so deleting a session deletes one
 * prefix. Turn audio sorts by sequence: `sessions/<sessionId>/turns/00007-trainee.mp3`.
 */

export type AudioSpeaker = 'ai' | 'trainee';

/** Digits of the zero-padded sequence: lexical order equals turn order up to 99 999 turns. */
export const SEQUENCE_DIGITS = 5;

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function sessionPrefix(sessionId: string): string {
  if (!SAFE_ID.test(sessionId)) throw new Error(`Invalid session id for an object key: ${JSON.stringify(sessionId)}`);
  return `sessions/${sessionId}/`;
}

export function audioKey(sessionId: string, sequence: number, speaker: AudioSpeaker): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new Error(`Invalid turn sequence: ${sequence}`);
  if (speaker !== 'ai' && speaker !== 'trainee') throw new Error(`Invalid speaker: ${String(speaker)}`);
  return `${sessionPrefix(sessionId)}turns/${String(sequence).padStart(SEQUENCE_DIGITS, '0')}-${speaker}.mp3`;
}

/** Inverse of {@link audioKey}; null for any other key. */
export function parseAudioKey(key: string): { sessionId: string; sequence: number; speaker: AudioSpeaker } | null {
  const match = /^sessions\/([A-Za-z0-9_-]{1,128})\/turns\/(\d+)-(ai|trainee)\.mp3$/.exec(key);
  if (!match) return null;
  return { sessionId: match[1]!, sequence: Number(match[2]), speaker: match[3] as AudioSpeaker };
}
