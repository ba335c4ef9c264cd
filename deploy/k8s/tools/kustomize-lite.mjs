#!/usr/bin/env node
/**
 * kustomize-lite: renders the Parley Kustomize tree without kubectl, and validates what it renders.
 *
 *   node deploy/k8s/tools/kustomize-lite.mjs build deploy/k8s/overlays/prod            # YAML, like `kustomize build`
 *   node deploy/k8s/tools/kustomize-lite.mjs build deploy/k8s/overlays/prod --json     # {objects, errors} as JSON
 *   node deploy/k8s/tools/kustomize-lite.mjs validate deploy/k8s/overlays/prod         # exit 1 on any error
 *
 * It implements only the Kustomize features this tree uses, with Kustomize's semantics, and refuses any other
 * kustomization field (so an overlay can never silently rely on something it ignores):
 *   resources (files, multi-document; folders with a kustomization), namespace, images (newName/newTag/digest),
 *   patches (path or inline; strategic merge — including `$patch: delete` — or JSON 6902 add/replace/remove;
 *   optional target by group/version/kind/name). Order as in Kustomize: resources, patches, namespace, images.
 * Strategic merge uses the Kubernetes merge keys for built-in kinds (containers, env, volumes... by name;
 * volumeMounts by mountPath) and replaces lists of custom resources wholesale, as Kustomize does without a schema.
 *
 * Validation: built-in kinds through kubernetes-models (types, required fields, formats); the KEDA custom
 * resources (ScaledObject, TriggerAuthentication) against their required fields. kubernetes-models is ES-module
 * only, which is why this is a plain .mjs script that Jest runs in a child process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'IngressClass']);

/** Strategic-merge keys of built-in kinds, by list field name. */
const MERGE_KEYS = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

export class KustomizeError extends Error {}

const clone = (value) => (value === undefined ? undefined : structuredClone(value));
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const groupOf = (apiVersion = '') => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const versionOf = (apiVersion = '') => (apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion);
const isBuiltIn = (obj) => {
  const group = groupOf(obj.apiVersion);
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
};
export const idOf = (obj) => `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;

function readYamlDocuments(file) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new KustomizeError(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function findKustomization(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Renders the kustomization in `dir` to a list of plain objects. */
export function build(dir) {
  const root = resolve(dir);
  const file = findKustomization(root);
  if (!file) throw new KustomizeError(`${root}: no kustomization.yaml`);
  const [k] = readYamlDocuments(file);
  for (const field of Object.keys(k ?? {})) {
    if (!SUPPORTED_FIELDS.has(field)) throw new KustomizeError(`${file}: field "${field}" is not supported by kustomize-lite`);
  }

  let objects = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(root, entry);
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource ${entry} does not exist`);
    const loaded = statSync(path).isDirectory() ? build(path) : readYamlDocuments(path);
    for (const obj of loaded) {
      if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
        throw new KustomizeError(`${path}: every resource needs apiVersion, kind and metadata.name`);
      }
      objects.push(obj);
    }
  }
  assertUnique(objects, file);

  for (const [index, p] of (k.patches ?? []).entries()) {
    objects = applyPatch(objects, p, root, `${file} patches[${index}]`);
  }

  if (k.namespace) {
    for (const obj of objects) {
      if (obj.kind === 'Namespace') obj.metadata.name = k.namespace;
      else if (!CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = k.namespace;
    }
  }

  for (const image of k.images ?? []) {
    if (!image.name) throw new KustomizeError(`${file}: images entries need a name`);
    for (const obj of objects) forEachContainer(obj, (c) => (c.image = transformImage(c.image, image)));
  }
  assertUnique(objects, file);
  return objects;
}

function assertUnique(objects, file) {
  const seen = new Set();
  for (const obj of objects) {
    const id = `${obj.apiVersion}|${idOf(obj)}`;
    if (seen.has(id)) throw new KustomizeError(`${file}: resource ${idOf(obj)} is defined twice`);
    seen.add(id);
  }
}

function podSpecOf(obj) {
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

function forEachContainer(obj, fn) {
  const spec = podSpecOf(obj);
  if (!isObject(spec)) return;
  for (const field of ['initContainers', 'containers']) for (const c of spec[field] ?? []) if (c.image) fn(c);
}

/** `name[:tag][@digest]` → replaced per a Kustomize `images` entry when the name matches. */
export function transformImage(ref, entry) {
  const at = ref.indexOf('@');
  const withoutDigest = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name !== entry.name) return ref;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : undefined;
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const newName = entry.newName ?? name;
  if (entry.digest) return `${newName}@${entry.digest}`;
  if (entry.newTag !== undefined) return `${newName}:${entry.newTag}`;
  return `${newName}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function applyPatch(objects, spec, root, where) {
  if (!isObject(spec) || (!spec.path && !spec.patch) || (spec.path && spec.patch)) {
    throw new KustomizeError(`${where}: needs exactly one of path or patch`);
  }
  const text = spec.path ? readFileSync(resolve(root, spec.path), 'utf8') : spec.patch;
  const docs = parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new KustomizeError(`${where}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((d) => d !== null && d !== undefined);
  // Kustomize's `patches` field takes exactly one patch per entry.
  if (docs.length !== 1) throw new KustomizeError(`${where}: a patch must hold exactly one document (found ${docs.length})`);
  const patch = docs[0];
  const isJson6902 = Array.isArray(patch);
  if (isJson6902 && !spec.target) throw new KustomizeError(`${where}: a JSON 6902 patch needs a target`);
  if (!isJson6902 && (!patch.kind || !patch.metadata?.name)) {
    throw new KustomizeError(`${where}: a strategic merge patch needs kind and metadata.name`);
  }
  const target = spec.target ?? { kind: patch.kind, name: patch.metadata.name, group: groupOf(patch.apiVersion) };
  const matches = objects.filter((obj) => targetMatches(obj, target));
  if (matches.length === 0) throw new KustomizeError(`${where}: no resource matches target ${JSON.stringify(target)}`);

  const out = [];
  for (const obj of objects) {
    if (!matches.includes(obj)) {
      out.push(obj);
      continue;
    }
    if (isJson6902) {
      out.push(applyJson6902(obj, patch, where));
    } else if (patch.$patch === 'delete') {
      continue; // removed
    } else {
      const { metadata, ...rest } = clone(patch);
      delete rest.apiVersion;
      delete rest.kind;
      const { name: _name, namespace: _ns, ...metaRest } = metadata ?? {};
      out.push(strategicMerge(obj, { ...rest, metadata: metaRest }, isBuiltIn(obj)));
    }
  }
  return out;
}

function targetMatches(obj, target) {
  if (target.kind && obj.kind !== target.kind) return false;
  if (target.name && !new RegExp(`^(?:${target.name})$`).test(obj.metadata.name)) return false;
  if (target.group !== undefined && target.group !== groupOf(obj.apiVersion)) return false;
  if (target.version && target.version !== versionOf(obj.apiVersion)) return false;
  if (target.labelSelector || target.annotationSelector || target.namespace) {
    throw new KustomizeError('patch targets by namespace, labelSelector or annotationSelector are not supported by kustomize-lite');
  }
  return true;
}

/** Strategic merge patch (the subset Kustomize applies to built-in kinds; lists of CRs are replaced). */
export function strategicMerge(base, patch, builtIn, field = '') {
  if (patch === null) return undefined;
  if (isObject(base) && isObject(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _, ...rest } = patch;
      return clone(rest);
    }
    const out = clone(base);
    for (const [key, value] of Object.entries(patch)) {
      if (key === '$patch') continue;
      if (value === null) delete out[key];
      else out[key] = strategicMerge(out[key], value, builtIn, key);
    }
    return out;
  }
  const mergeKey = builtIn ? MERGE_KEYS[field] : undefined;
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey) {
    const out = clone(base);
    for (const item of patch) {
      const index = out.findIndex((existing) => isObject(existing) && existing[mergeKey] === item?.[mergeKey]);
      if (item?.$patch === 'delete') {
        if (index >= 0) out.splice(index, 1);
      } else if (index >= 0) {
        out[index] = strategicMerge(out[index], item, builtIn);
      } else {
        out.push(clone(item));
      }
    }
    return out;
  }
  return clone(patch);
}

function pointer(path, where) {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new KustomizeError(`${where}: bad JSON pointer ${path}`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 add / replace / remove (what this tree uses). */
export function applyJson6902(obj, ops, where = 'json6902') {
  const out = clone(obj);
  for (const op of ops) {
    const parts = pointer(op.path, where);
    if (parts.length === 0) throw new KustomizeError(`${where}: cannot ${op.op} the whole document`);
    const last = parts.pop();
    let parent = out;
    for (const part of parts) {
      parent = Array.isArray(parent) ? parent[Number(part)] : parent?.[part];
      if (parent === undefined || parent === null) throw new KustomizeError(`${where}: path ${op.path} does not exist in ${idOf(obj)}`);
    }
    const exists = Array.isArray(parent) ? Number(last) < parent.length : Object.hasOwn(parent, last);
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value));
        else parent[last] = clone(op.value);
        break;
      case 'replace':
        if (!exists) throw new KustomizeError(`${where}: replace of missing ${op.path} in ${idOf(obj)}`);
        parent[Array.isArray(parent) ? Number(last) : last] = clone(op.value);
        break;
      case 'remove':
        if (!exists) throw new KustomizeError(`${where}: remove of missing ${op.path} in ${idOf(obj)}`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      default:
        throw new KustomizeError(`${where}: JSON 6902 op "${op.op}" is not supported by kustomize-lite`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

async function modelFor(obj) {
  const group = groupOf(obj.apiVersion);
  const version = versionOf(obj.apiVersion);
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  try {
    const mod = await import(modulePath);
    return mod[obj.kind] ?? null;
  } catch {
    return null;
  }
}

function requireFields(obj, paths, errors) {
  for (const path of paths) {
    let value = obj;
    for (const part of path.split('.')) value = value?.[part];
    if (value === undefined || value === null || value === '') errors.push(`missing ${path}`);
  }
}

const stringMap = (value) => isObject(value) && Object.values(value).every((v) => typeof v === 'string');

/** KEDA v1alpha1 custom resources: the fields KEDA's admission webhook requires. */
const CUSTOM_VALIDATORS = {
  'keda.sh/v1alpha1/ScaledObject'(obj) {
    const errors = [];
    requireFields(obj, ['metadata.name', 'spec.scaleTargetRef.name'], errors);
    const spec = obj.spec ?? {};
    const triggers = spec.triggers;
    if (!Array.isArray(triggers) || triggers.length === 0) errors.push('spec.triggers must be a non-empty list');
    for (const field of ['minReplicaCount', 'maxReplicaCount', 'pollingInterval', 'cooldownPeriod']) {
      if (spec[field] !== undefined && (!Number.isInteger(spec[field]) || spec[field] < 0)) errors.push(`spec.${field} must be a non-negative integer`);
    }
    if (Number.isInteger(spec.minReplicaCount) && Number.isInteger(spec.maxReplicaCount) && spec.minReplicaCount > spec.maxReplicaCount) {
      errors.push('spec.minReplicaCount exceeds spec.maxReplicaCount');
    }
    const required = {
      redis: ['listName'],
      'nats-jetstream': ['natsServerMonitoringEndpoint', 'account', 'stream', 'consumer'],
      cpu: ['value'],
      memory: ['value'],
    };
    const names = new Set();
    for (const [i, t] of (Array.isArray(triggers) ? triggers : []).entries()) {
      if (typeof t?.type !== 'string') errors.push(`spec.triggers[${i}].type is required`);
      if (!stringMap(t?.metadata)) errors.push(`spec.triggers[${i}].metadata must map names to strings`);
      for (const key of required[t?.type] ?? []) if (!t?.metadata?.[key]) errors.push(`spec.triggers[${i}].metadata.${key} is required for ${t.type}`);
      if (t?.name) {
        if (names.has(t.name)) errors.push(`spec.triggers[${i}].name ${t.name} is not unique`);
        names.add(t.name);
      }
      if (t?.authenticationRef !== undefined && !t.authenticationRef?.name) errors.push(`spec.triggers[${i}].authenticationRef.name is required`);
    }
    return errors;
  },
  'keda.sh/v1alpha1/TriggerAuthentication'(obj) {
    const errors = [];
    requireFields(obj, ['metadata.name'], errors);
    const refs = obj.spec?.secretTargetRef;
    if (!Array.isArray(refs) || refs.length === 0) errors.push('spec.secretTargetRef must be a non-empty list');
    for (const [i, r] of (refs ?? []).entries()) {
      for (const key of ['parameter', 'name', 'key']) if (!r?.[key]) errors.push(`spec.secretTargetRef[${i}].${key} is required`);
    }
    return errors;
  },
};

/** Validates every object; returns `{id, message}` for each problem. */
export async function validate(objects) {
  const problems = [];
  for (const obj of objects) {
    const custom = CUSTOM_VALIDATORS[`${obj.apiVersion}/${obj.kind}`];
    if (custom) {
      for (const message of custom(obj)) problems.push({ id: idOf(obj), message });
      continue;
    }
    const Model = await modelFor(obj);
    if (!Model) {
      problems.push({ id: idOf(obj), message: `no validator for ${obj.apiVersion} ${obj.kind}` });
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

// ---------------------------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [command, dir, ...flags] = argv;
  if (!['build', 'validate'].includes(command) || !dir) {
    process.stderr.write('usage: kustomize-lite.mjs build|validate <kustomization dir> [--json]\n');
    return 2;
  }
  let objects;
  try {
    objects = build(dir);
  } catch (error) {
    if (flags.includes('--json')) {
      process.stdout.write(JSON.stringify({ objects: [], errors: [{ id: dir, message: error.message }] }));
      return 1;
    }
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (command === 'build' && !flags.includes('--json')) {
    process.stdout.write(objects.map((o) => stringify(o)).join('---\n'));
    return 0;
  }
  const errors = await validate(objects);
  if (flags.includes('--json')) {
    process.stdout.write(JSON.stringify({ objects, errors }));
  } else {
    for (const e of errors) process.stderr.write(`${e.id}: ${e.message}\n`);
    process.stdout.write(`${objects.length} objects, ${errors.length} problems\n`);
  }
  return errors.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

export const toolDir = dirname(fileURLToPath(import.meta.url));
