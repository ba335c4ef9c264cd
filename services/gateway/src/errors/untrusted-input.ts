import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { AppError } from '@parley/contracts';

/** Deeper than anything we accept (a scenario nests about five levels): deeper input is refused before it is walked. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Refuses what no schema of ours wants but that would otherwise fail deep inside a service instead of at the edge:
 * NUL characters (Postgres text and jsonb cannot store them: the write fails with a 500) and nesting deep enough to
 * overflow a recursive walk (JSON.stringify on the way to NATS). Walks iteratively; binary data is not looked into.
 */
export function checkUntrustedInput(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) throw nulRefused();
      continue;
    }
    if (typeof item !== 'object' || item === null || ArrayBuffer.isView(item) || item instanceof ArrayBuffer) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new AppError('validation_failed', `The input is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    }
    for (const [key, child] of Object.entries(item)) {
      if (key.includes('\u0000')) throw nulRefused();
      stack.push([child, depth + 1]);
    }
  }
}

function nulRefused(): AppError {
  return new AppError('validation_failed', 'Text may not contain NUL characters (\\u0000)');
}

/** {@link checkUntrustedInput} on every body, query and path parameter of a controller. */
@Injectable()
export class UntrustedInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'custom') checkUntrustedInput(value);
    return value;
  }
}
