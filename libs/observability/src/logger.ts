import pino, { type Logger } from 'pino';
import { currentLogFields } from './log-context';
import { activeTraceIds } from './tracing';

/** Audio, transcripts and credentials never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'audio',
  '*.audio',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
];

export function pinoOptions(service: string, level: string): pino.LoggerOptions {
  return {
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // The active span's ids (when tracing is on) join a log line to its trace.
    mixin: () => ({ ...currentLogFields(), ...activeTraceIds() }),
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(pinoOptions(service, level));
}
