/** `npm run bench`: latency benchmarks against the real platform (not part of `npm test`). */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/bench'],
  testMatch: ['**/*.bench.ts'],
  testTimeout: 900_000,
  maxWorkers: 1,
};
