#!/usr/bin/env node
/**
 * Renders a Kustomize directory with real Kustomize (`kubectl kustomize`) and validates every object it renders
 * against its schema: built-in kinds with kubernetes-models, the KEDA and prometheus-operator custom resources with
 * their @kubernetes-models packages (generated from the projects' CRDs). Any other kind is an error, so nothing
 * ships unchecked. kubernetes-models does not reject unknown fields; deploy/deploy.spec.ts asserts the ones we rely on.
 *
 *   node deploy/k8s/tools/validate.mjs deploy/k8s/overlays/prod           # "N objects, M problems"; exit 1 on any
 *   node deploy/k8s/tools/validate.mjs deploy/k8s/overlays/prod --json    # {objects, errors} for the tests
 *
 * The models are ES modules only, which is why this is a plain .mjs script that Jest runs in a child process.
 * kubectl comes with the machine or from `scripts/infra.sh --test`.
 */
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** Where the model of each API group lives; the core group ("v1") has no group name. */
const MODEL_PACKAGES = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

const idOf = (obj) => `${obj?.kind}/${obj?.metadata?.name}`;

function render(dir) {
  const res = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) {
    const hint = res.error.code === 'ENOENT' ? ' (kubectl is not installed: run `scripts/infra.sh --test`)' : '';
    throw new Error(`kubectl kustomize ${dir}: ${res.error.message}${hint}`);
  }
  if (res.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${res.stderr.trim()}`);
  return parseAllDocuments(res.stdout)
    .map((doc) => doc.toJS())
    .filter(Boolean);
}

async function modelFor(obj) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const module = group in MODEL_PACKAGES ? `${MODEL_PACKAGES[group]}/${group}/${version}` : `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  try {
    return (await import(module))[obj.kind] ?? null;
  } catch {
    return null;
  }
}

/** `{id, message}` for every object that breaks its schema or has no schema we know. */
async function validate(objects) {
  const problems = [];
  for (const obj of objects) {
    const Model = await modelFor(obj);
    if (!Model) {
      problems.push({ id: idOf(obj), message: `no schema for ${obj.apiVersion} ${obj.kind}` });
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (error) {
      problems.push({ id: idOf(obj), message: error.message });
    }
  }
  return problems;
}

async function main([dir, ...flags]) {
  if (!dir) {
    process.stderr.write('usage: validate.mjs <kustomization dir> [--json]\n');
    return 2;
  }
  const json = flags.includes('--json');
  let objects;
  try {
    objects = render(dir);
  } catch (error) {
    if (json) process.stdout.write(JSON.stringify({ objects: [], errors: [{ id: dir, message: error.message }] }));
    else process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const errors = await validate(objects);
  if (json) {
    process.stdout.write(JSON.stringify({ objects, errors }));
  } else {
    for (const e of errors) process.stderr.write(`${e.id}: ${e.message}\n`);
    process.stdout.write(`${objects.length} objects, ${errors.length} problems\n`);
  }
  return errors.length ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
