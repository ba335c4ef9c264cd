/**
 * What `npm start` does with a service's output: every line goes to its log file as it came (JSON lines), and the
 * warnings and errors (plus any line that is not JSON: a crash's stack trace, a native library's complaint) are
 * printed too, one readable line each, behind the name of the replica that wrote them.
 */
import { prettyFactory } from 'pino-pretty';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** pino's numeric levels, for services that log numbers instead of labels. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const SHOWN_FROM = LEVELS.warn!;

const pretty = prettyFactory({
  colorize: process.stdout.isTTY ?? false,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss',
  // Already in the prefix, or noise in a terminal.
  ignore: 'pid,hostname,service',
  // Errors are shortened below (their stacks stay in the file), so no key gets pino-pretty's multi-line layout.
  errorLikeObjectKeys: [],
});

export interface ServiceLog {
  /** The last lines that went only to the file, for a report when the service dies. */
  tail(): string[];
  close(): void;
}

export function relayServiceLogs(streams: Readable[], file: string, prefix: string, print: (line: string) => void): ServiceLog {
  const log = createWriteStream(file, { flags: 'w' });
  const recent: string[] = [];
  for (const stream of streams) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      log.write(`${line}\n`);
      const shown = readable(line);
      if (shown !== null) return print(`${prefix}${shown}`);
      recent.push(line);
      if (recent.length > 30) recent.shift();
    });
  }
  return { tail: () => [...recent], close: () => log.end() };
}

/** The line as printed on the console, or null when it is only for the file. */
function readable(line: string): string | null {
  if (!line.trim()) return null;
  let entry: Record<string, any>;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const level = typeof entry.level === 'number' ? entry.level : LEVELS[String(entry.level)];
  if (level === undefined || level < SHOWN_FROM) return null;
  return pretty(shortened(entry)).trimEnd();
}

/** An entry fit for one line: errors as `Type: message`, HTTP requests as `METHOD url`, responses as the status. */
function shortened(entry: Record<string, any>): Record<string, unknown> {
  const short: Record<string, unknown> = { ...entry };
  for (const key of ['err', 'error']) {
    const error = entry[key];
    if (error && typeof error === 'object') short[key] = `${error.type ?? 'Error'}: ${error.message ?? JSON.stringify(error)}`;
  }
  if (entry.req && typeof entry.req === 'object') short.req = `${entry.req.method} ${entry.req.url}`;
  if (entry.res && typeof entry.res === 'object') short.res = entry.res.statusCode;
  return short;
}
