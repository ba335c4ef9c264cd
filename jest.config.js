/** One Jest run for the whole workspace: unit and integration tests against the real infrastructure. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, tsx: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/**
 * Suites that judge live timing (turn-taking windows of a few hundred ms, audio playing in a browser). `npm test`
 * runs them on their own after the rest: beside another suite's platform on a 2-core machine, a frame can arrive
 * late enough to change which timer fires first. `PARLEY_TESTS=timed` selects them, `PARLEY_TESTS=rest` the others,
 * unset runs everything.
 */
const timed = ['/services/gateway/test/realtime[^/]*\\.spec\\.ts$', '/web/e2e/live\\.spec\\.ts$'];
const group = process.env.PARLEY_TESTS;
if (group && group !== 'timed' && group !== 'rest') throw new Error(`PARLEY_TESTS must be "timed" or "rest", not "${group}"`);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/deploy', '<rootDir>/web/e2e', '<rootDir>/web/test', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
  ...(group === 'timed' && { testMatch: undefined, testRegex: timed }),
  ...(group === 'rest' && { testPathIgnorePatterns: ['/node_modules/', ...timed] }),
  transform: { '^.+\\.tsx?$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@parley/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
