/**
 * Workaround for the Prisma CLI process (loaded by prisma.config.ts only, never by services).
 *
 * The WebAssembly schema engine of Prisma 6.19 arms `setTimeout` timers through its wasm-bindgen glue (connection
 * and pool timeouts of 10 s and 60 s) and never clears them, so a `migrate dev` that already finished keeps the
 * process alive for up to a minute. Timers armed from WebAssembly are unref'd: they still fire while the CLI is
 * busy, but no longer hold the finished process open. Everything else in the process keeps plain timers.
 */
const PATCHED = Symbol.for('parley.db.wasmTimersReleased');

export function releaseWasmEngineTimers(): void {
  const global = globalThis as typeof globalThis & { [PATCHED]?: boolean };
  if (global[PATCHED]) return;
  global[PATCHED] = true;
  const originalSetTimeout = globalThis.setTimeout;
  const patched = function setTimeout(this: unknown, ...args: Parameters<typeof originalSetTimeout>) {
    const timer = originalSetTimeout.apply(this, args);
    if (calledFromWasm()) timer.unref();
    return timer;
  };
  // Keep the extras of the original (util.promisify.custom).
  for (const key of Reflect.ownKeys(originalSetTimeout)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(patched, key, Object.getOwnPropertyDescriptor(originalSetTimeout, key)!);
  }
  globalThis.setTimeout = patched as typeof originalSetTimeout;
}

function calledFromWasm(): boolean {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 3;
  try {
    Error.captureStackTrace(holder, calledFromWasm);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder.stack?.includes('wasm://') ?? false;
}
