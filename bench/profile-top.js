/** Prints the functions with the most self time in a .cpuprofile: node bench/profile-top.js <file> [count]. */
const { readFileSync } = require('node:fs');

const [file, count = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFn = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|services|libs)\//, '$1/')}:${f.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
}
const idle = [...byFn.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy`);
for (const [key, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((us / 1e3) | 0).toString().padStart(8)} ms  ${((100 * us) / (total - idle || 1)).toFixed(1).padStart(5)} %  ${key}`);
}
