/** Benchmarks run one at a time in a fixed order: the raw baselines first, the realtime ramp (the heaviest) last. */
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['baselines', 'turns', 'termination', 'evaluations', 'sse-tokens', 'realtime'];
const rank = (path) => {
  const index = ORDER.findIndex((name) => path.endsWith(`/${name}.bench.ts`));
  return index < 0 ? ORDER.length : index;
};

module.exports = class BenchSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
};
