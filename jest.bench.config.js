/** `npm run bench`: every latency path against the real platform and its raw baseline (not part of `npm test`). */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/bench'],
  testMatch: ['**/*.bench.ts'],
  globalSetup: '<rootDir>/bench/global-setup.ts',
  globalTeardown: '<rootDir>/bench/global-teardown.ts',
  testSequencer: '<rootDir>/bench/sequencer.js',
  testTimeout: 1_800_000,
  maxWorkers: 1,
  // A benchmark that fails midway can leave its load generator's timers and sockets open: the run must still end.
  forceExit: true,
};
