/**
 * Preloaded into each service by BENCH_CPU_PROF=1 (NODE_OPTIONS=--require, as Node refuses --cpu-prof there):
 * records a V8 CPU profile from start to exit and writes it to $BENCH_CPU_PROF_DIR/<service>-<pid>.cpuprofile
 * (open in Chrome DevTools or speedscope; `node bench/profile-top.js <file>` prints the heaviest functions).
 */
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
let written = false;
const write = () => {
  if (written) return;
  written = true;
  // A session on the same thread answers synchronously, so this completes inside a signal or exit handler.
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const dir = process.env.BENCH_CPU_PROF_DIR;
    mkdirSync(dir, { recursive: true });
    const name = /services\/([a-z-]+)\//.exec(process.argv[1] ?? '')?.[1] ?? 'node';
    writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
};
process.on('exit', write);
// Nest closes on SIGTERM and then raises it again to die by it, which skips 'exit': write at the first one.
process.once('SIGTERM', write);
