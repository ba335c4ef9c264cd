/**
 * Deployment artefacts, checked without a cluster or a Docker engine:
 *  - deploy/k8s: the base and every overlay rendered by Kustomize itself (`kubectl kustomize`, installed by
 *    `scripts/infra.sh --test` when missing) and every object validated against its schema
 *    (deploy/k8s/tools/validate.mjs, in a child process because the models are ES modules only); then the
 *    operational rules of SPEC §9, the public edge (what the Ingresses expose and how), and the alert rules against
 *    the metrics the code really exports (the catalogue in deploy/README.md).
 *  - docker-compose.yml: `docker-compose config -q` plus the rules of the brief (healthchecks, one-shot jobs...).
 *  - Dockerfile (one for all services, build argument SERVICE): multi-stage, non-root, production, the right command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parse } from 'yaml';
import { Consumers, Queues, Streams, type ConsumerSpec } from '@parley/contracts';

const ROOT = resolve(__dirname, '..');
const K8S = join(ROOT, 'deploy/k8s');
const VALIDATE = join(K8S, 'tools/validate.mjs');

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

interface Rendered {
  objects: Obj[];
  errors: { id: string; message: string }[];
}

/** Renders with `kubectl kustomize` and validates every object (deploy/k8s/tools/validate.mjs). */
function render(dir: string): Rendered {
  const res = spawnSync(process.execPath, [VALIDATE, dir, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw res.error;
  if (!res.stdout) throw new Error(`validate.mjs produced no output: ${res.stderr}`);
  return JSON.parse(res.stdout) as Rendered;
}

const SERVICES = {
  gateway: { port: 8080, portVar: 'GATEWAY_PORT', scaler: 'hpa' },
  session: { port: 8081, portVar: 'SESSION_PORT', scaler: 'hpa' },
  'turn-pipeline': { port: 8082, portVar: 'TURN_PIPELINE_PORT', scaler: 'keda' },
  asr: { port: 8083, portVar: 'ASR_PORT', scaler: 'keda' },
  evaluator: { port: 8084, portVar: 'EVALUATOR_PORT', scaler: 'keda' },
} as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** The bus creates one durable per (consumer, event): `<durable>_<event with . as ->` on `<ns>_<STREAM>`. */
const jetstreamConsumers = (ns: string, spec: ConsumerSpec) =>
  spec.events.map((event) => ({ stream: `${ns}_${spec.stream.name}`, consumer: `${spec.durable}_${event.replace(/[.]/g, '-')}` }));

/** What each KEDA-scaled worker must watch: its BullMQ wait list, and the JetStream consumers that feed it. */
const WORKER_SOURCES: Record<string, { queue: string; consumers: ConsumerSpec[] }> = {
  asr: { queue: Queues.Transcription, consumers: [Consumers.AsrTranscribesTurns] },
  'turn-pipeline': {
    queue: Queues.TurnPipeline,
    consumers: [Consumers.PipelineRepliesToTurns, Consumers.PipelineStartsSessions],
  },
  evaluator: { queue: Queues.Evaluation, consumers: [Consumers.EvaluatorScoresSessions] },
};

function cpu(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`bad quantity ${q}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

const find = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each([
  ['base', 'deploy/k8s/base', 'parley'],
  ['dev', 'deploy/k8s/overlays/dev', 'parley-dev'],
  ['prod', 'deploy/k8s/overlays/prod', 'parley'],
])('k8s %s', (_label, dir, namespace) => {
  let rendered: Rendered;
  let objects: Obj[];
  beforeAll(() => {
    rendered = render(dir);
    objects = rendered.objects;
  });

  const deployments = () => objects.filter((o) => o.kind === 'Deployment');
  const config = () => find(objects, 'ConfigMap', 'parley-config')!;

  it('renders with kubectl kustomize and every object validates (kubernetes-models, KEDA and prometheus-operator schemas)', () => {
    expect(rendered.errors).toEqual([]);
    expect(objects.length).toBeGreaterThan(15);
  });

  it('puts everything in one namespace, which it creates with the restricted pod security standard', () => {
    const ns = find(objects, 'Namespace', namespace);
    expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(namespace);
  });

  it('has one Deployment, Service and PodDisruptionBudget per service', () => {
    expect(deployments().map((d) => d.metadata.name).sort()).toEqual(SERVICE_NAMES.map((s) => `parley-${s}`).sort());
    for (const name of SERVICE_NAMES) {
      const deployment = find(objects, 'Deployment', `parley-${name}`)!;
      const labels = deployment.spec.template.metadata.labels;
      const service = find(objects, 'Service', `parley-${name}`);
      expect(service).toBeDefined();
      for (const [k, v] of Object.entries(service!.spec.selector)) expect(labels[k]).toBe(v);
      expect(service!.spec.ports[0]).toMatchObject({ port: SERVICES[name].port, targetPort: 'http' });

      const pdb = find(objects, 'PodDisruptionBudget', `parley-${name}`);
      expect(pdb).toBeDefined();
      for (const [k, v] of Object.entries(pdb!.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
      // maxUnavailable keeps single-replica environments drainable.
      expect(pdb!.spec.maxUnavailable).toBe(1);
    }
  });

  it.each(SERVICE_NAMES)('parley-%s: probes, resources, security context, graceful shutdown, metrics', (name) => {
    const deployment = find(objects, 'Deployment', `parley-${name}`)!;
    const pod = deployment.spec.template.spec;
    const annotations = deployment.spec.template.metadata.annotations;
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];

    expect(c.ports).toEqual([{ name: 'http', containerPort: SERVICES[name].port, protocol: 'TCP' }]);
    expect(c.env).toEqual(expect.arrayContaining([{ name: SERVICES[name].portVar, value: String(SERVICES[name].port) }]));
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'parley-config' } }, { secretRef: { name: 'parley-secrets' } }]);

    // Liveness never checks dependencies (/health); readiness does (/ready).
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });

    for (const kind of ['requests', 'limits'] as const) {
      expect(c.resources[kind].cpu).toBeDefined();
      expect(c.resources[kind].memory).toBeDefined();
    }
    expect(cpu(c.resources.limits.cpu)).toBeGreaterThanOrEqual(cpu(c.resources.requests.cpu));
    expect(bytes(c.resources.limits.memory)).toBeGreaterThanOrEqual(bytes(c.resources.requests.memory));

    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'tmp', mountPath: '/tmp' }]));
    expect(pod.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) })]));
    expect(pod.automountServiceAccountToken).toBe(false);

    // Grace period covers the preStop pause, the service's own drain window and its 5 s hard-exit margin.
    const graceMs = Number(c.env.find((e: { name: string }) => e.name === 'SHUTDOWN_GRACE_MS')?.value);
    expect(graceMs).toBeGreaterThan(0);
    const preStop = c.lifecycle?.preStop?.exec?.command;
    expect(preStop?.[0]).toBe('sleep');
    const preStopSec = Number(preStop[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSec + graceMs / 1000 + 5);

    expect(annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(SERVICES[name].port),
      'prometheus.io/path': '/metrics',
    });
    // Autoscalers own the replica count.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('the gateway serves the web client', () => {
    const c = find(objects, 'Deployment', 'parley-gateway')!.spec.template.spec.containers[0];
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'WEB_DIST', value: '/app/web/dist' }]));
  });

  it('scales gateway and session on CPU with HPAs, and never puts an HPA on a KEDA-scaled worker', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['parley-gateway', 'parley-session']);
    for (const hpa of hpas) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(hpa.spec.metrics).toEqual([
        expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
      ]);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    }
  });

  it('scales workers with KEDA on BullMQ queue depth and JetStream consumer lag named as the code names them', () => {
    const scaled = objects.filter((o) => o.kind === 'ScaledObject');
    if (namespace === 'parley-dev') {
      expect(scaled).toEqual([]); // dev runs without KEDA
      return;
    }
    const prefix = config().data!.PARLEY_NAMESPACE!;
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(
      Object.keys(WORKER_SOURCES).map((w) => `parley-${w}`).sort(),
    );
    for (const [worker, source] of Object.entries(WORKER_SOURCES)) {
      const so = find(objects, 'ScaledObject', `parley-${worker}`)!;
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(find(objects, 'Deployment', so.spec.scaleTargetRef.name)).toBeDefined();
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);

      const redis = so.spec.triggers.filter((t: any) => t.type === 'redis');
      expect(redis).toHaveLength(1);
      expect(redis[0].metadata.listName).toBe(`${prefix}:${source.queue}:wait`);
      expect(Number(redis[0].metadata.listLength)).toBeGreaterThan(0);
      const auth = find(objects, 'TriggerAuthentication', redis[0].authenticationRef.name);
      expect(auth).toBeDefined();
      expect(auth!.spec.secretTargetRef.map((r: any) => r.parameter).sort()).toEqual(['address', 'password']);

      const nats = so.spec.triggers
        .filter((t: any) => t.type === 'nats-jetstream')
        .map((t: any) => ({ stream: t.metadata.stream, consumer: t.metadata.consumer }));
      expect(nats.sort(byConsumer)).toEqual(source.consumers.flatMap((c) => jetstreamConsumers(prefix, c)).sort(byConsumer));
      for (const t of so.spec.triggers.filter((x: any) => x.type === 'nats-jetstream')) {
        expect(t.metadata.natsServerMonitoringEndpoint).toMatch(/:8222$/);
        expect(t.metadata.account).toBe('$G');
      }
    }
    // The contracts' stream of those consumers really is SESSION / ASR.
    expect(Consumers.AsrTranscribesTurns.stream).toBe(Streams.Session);
    expect(Consumers.PipelineRepliesToTurns.stream).toBe(Streams.Asr);
  });

  it('runs migrations and seed once, from the session image, under the same security rules', () => {
    const job = find(objects, 'Job', 'parley-migrate')!;
    expect(job).toBeDefined();
    const pod = job.spec.template.spec;
    const c = pod.containers[0];
    expect(c.command.join(' ')).toContain('node libs/db/dist/cli.js migrate && node libs/db/dist/cli.js seed');
    const sessionImage = find(objects, 'Deployment', 'parley-session')!.spec.template.spec.containers[0].image;
    expect(c.image).toBe(sessionImage);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources.requests && c.resources.limits).toBeTruthy();
  });

  describe('public edge (Ingress)', () => {
    const ingresses = () => objects.filter((o) => o.kind === 'Ingress');
    const routeOf = (path: string) => route(ingresses(), path);

    it('sends every path to the gateway Service, on one host', () => {
      expect(ingresses().map((i) => i.metadata.name).sort()).toEqual(['parley-gateway', 'parley-gateway-streams']);
      const hosts = new Set(ingresses().flatMap((i) => i.spec.rules.map((r: { host: string }) => r.host)));
      expect(hosts.size).toBe(1);
      for (const ingress of ingresses()) {
        expect(ingress.spec.ingressClassName).toBe('nginx');
        for (const p of ingress.spec.rules.flatMap((r: any) => r.http.paths)) {
          expect(p.backend.service).toEqual({ name: 'parley-gateway', port: { name: 'http' } });
        }
      }
      expect(find(objects, 'Service', 'parley-gateway')).toBeDefined();
    });

    it('exposes the REST API, socket.io, the text streams and the web client', () => {
      const publicFiles = readdirSync(join(ROOT, 'web/public')).map((f) => `/${f}`);
      // Vite's default assetsDir: index.html loads the hashed bundles from /assets.
      expect(readFileSync(join(ROOT, 'web/vite.config.ts'), 'utf8')).not.toMatch(/assetsDir/);
      for (const path of ['/', '/assets/index-Bx1.js', '/api/sessions', '/api/sessions/s1/turns', '/api/chat/wait', '/api/chat/streaming/abc', '/socket.io/', ...publicFiles]) {
        expect({ path, routed: routeOf(path) !== undefined }).toEqual({ path, routed: true });
      }
    });

    it('does not expose health, readiness, metrics or the queue dashboard', () => {
      for (const path of ['/health', '/ready', '/metrics', '/admin/queues', '/admin/queues/api/queues', '/healthz', '/apix']) {
        expect({ path, routed: routeOf(path)?.ingress.metadata.name ?? null }).toEqual({ path, routed: null });
      }
    });

    it('gives socket.io and the text-practice streams long timeouts and unbuffered responses', () => {
      for (const path of ['/socket.io/', '/api/chat/streaming', '/api/chat/streaming/abc', '/api/chat/wait']) {
        const a = routeOf(path)!.ingress.metadata.annotations!;
        expect({ path, read: Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 3600 }).toEqual({ path, read: true });
        expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
        expect(a['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
        expect(a['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
      }
      // Everything else keeps nginx's 60 s, so a hung request fails.
      for (const path of ['/api/sessions', '/']) {
        const a = routeOf(path)!.ingress.metadata.annotations ?? {};
        expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'] ?? 60)).toBeLessThanOrEqual(60);
      }
    });

    it('uses no session affinity (any gateway replica serves any socket or stream)', () => {
      for (const ingress of ingresses()) {
        const keys = Object.keys(ingress.metadata.annotations ?? {});
        expect(keys.filter((k) => /affinity|session-cookie|upstream-hash-by/.test(k))).toEqual([]);
      }
      expect(find(objects, 'Service', 'parley-gateway')!.spec.sessionAffinity ?? 'None').toBe('None');
    });

    it('limits request bodies at the edge', () => {
      for (const ingress of ingresses()) expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('1m');
    });
  });

  it('keeps secrets out of the ConfigMap and only placeholders in any Secret', () => {
    const data = config().data!;
    for (const key of Object.keys(data)) expect(key).not.toMatch(/SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL/);
    for (const secret of objects.filter((o) => o.kind === 'Secret')) {
      expect(secret.data).toBeUndefined(); // no opaque base64 blobs that could hide a real value
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        // Credentials (and URLs that carry them) are placeholders, or throwaway dev values in the dev overlay.
        if (/PASSWORD|SECRET|ACCESS_KEY|_URL$/.test(key)) {
          expect({ key, ok: value === '' || value.includes('CHANGE_ME') || (namespace === 'parley-dev' && /dev/.test(value)) })
            .toEqual({ key, ok: true });
        }
      }
    }
  });
});

describe('k8s overlays differ as intended', () => {
  let base: Obj[];
  let dev: Obj[];
  let prod: Obj[];
  beforeAll(() => {
    base = render('deploy/k8s/base').objects;
    dev = render('deploy/k8s/overlays/dev').objects;
    prod = render('deploy/k8s/overlays/prod').objects;
  });

  const image = (objects: Obj[], name: string) => find(objects, 'Deployment', `parley-${name}`)!.spec.template.spec.containers[0].image;
  const resources = (objects: Obj[], name: string) => find(objects, 'Deployment', `parley-${name}`)!.spec.template.spec.containers[0].resources;
  const minReplicas = (objects: Obj[], name: string) => {
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === `parley-${name}`);
    const so = objects.find((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef.name === `parley-${name}`);
    return { min: hpa?.spec.minReplicas ?? so?.spec.minReplicaCount ?? 1, max: hpa?.spec.maxReplicas ?? so?.spec.maxReplicaCount ?? 1 };
  };

  it.each(SERVICE_NAMES)('dev runs exactly one small replica of parley-%s with a dev image', (name) => {
    expect(minReplicas(dev, name)).toEqual({ min: 1, max: 1 });
    expect(image(dev, name)).toBe(`parley/${name}:dev`);
    expect(cpu(resources(dev, name).requests.cpu)).toBeLessThan(cpu(resources(base, name).requests.cpu));
  });

  it.each(SERVICE_NAMES)('prod runs at least two larger replicas of parley-%s from a pinned registry image', (name) => {
    expect(minReplicas(prod, name).min).toBeGreaterThanOrEqual(2);
    expect(minReplicas(prod, name).max).toBeGreaterThan(minReplicas(base, name).max);
    expect(image(prod, name)).toMatch(new RegExp(`^registry\\.example\\.com/parley/${name}:\\d+\\.\\d+\\.\\d+$`));
    const p = resources(prod, name);
    const b = resources(base, name);
    expect(cpu(p.requests.cpu)).toBeGreaterThan(cpu(b.requests.cpu));
    expect(bytes(p.limits.memory)).toBeGreaterThan(bytes(b.limits.memory));
  });

  it('dev uses dev tokens; prod only identity-provider tokens and no placeholder Secret', () => {
    const cfg = (objects: Obj[]) => find(objects, 'ConfigMap', 'parley-config')!.data!;
    expect(cfg(dev)).toMatchObject({ AUTH_MODE: 'dev', NODE_ENV: 'development' });
    expect(cfg(prod)).toMatchObject({ AUTH_MODE: 'jwt', NODE_ENV: 'production' });
    expect(prod.find((o) => o.kind === 'Secret')).toBeUndefined();
    expect(find(dev, 'Secret', 'parley-secrets')).toBeDefined();
  });

  it('prod terminates TLS for every Ingress and redirects plain HTTP', () => {
    for (const ingress of prod.filter((o) => o.kind === 'Ingress')) {
      expect(ingress.spec.tls[0].hosts).toContain(ingress.spec.rules[0].host);
      expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/ssl-redirect']).toBe('true');
    }
    expect(dev.filter((o) => o.kind === 'Ingress').map((i) => i.spec.rules[0].host)).toEqual(['parley.localtest.me', 'parley.localtest.me']);
  });

  it('only prod ships the monitoring objects (dev clusters lack the prometheus-operator CRDs)', () => {
    const monitoring = (objects: Obj[]) => objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/')).map((o) => o.kind).sort();
    expect(monitoring(prod)).toEqual(['PodMonitor', 'PrometheusRule']);
    expect(monitoring(base)).toEqual([]);
    expect(monitoring(dev)).toEqual([]);
  });
});

describe('deploy/k8s/tools/validate.mjs reports what Kustomize or a schema refuses', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-kustomize-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };
  const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      containers:
        - name: c
          image: img
${extra}`;

  it('a schema violation of a built-in kind', () => {
    write({ 'kustomization.yaml': 'resources: [d.yaml]\n', 'd.yaml': deployment('          ports: [{ containerPort: "http" }]\n') });
    expect(render(dir).errors).toEqual([expect.objectContaining({ id: 'Deployment/d', message: expect.stringMatching(/containerPort/) })]);
  });

  it('a KEDA ScaledObject without its target, and a kind it has no schema for', () => {
    write({
      'kustomization.yaml': 'resources: [so.yaml]\n',
      'so.yaml': `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: s }
spec:
  triggers: [{ type: redis, metadata: { listName: q } }]
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
`,
    });
    const errors = render(dir).errors.sort((a, b) => a.id.localeCompare(b.id));
    expect(errors).toEqual([
      { id: 'ScaledObject/s', message: expect.stringMatching(/required property scaleTargetRef/) },
      { id: 'Widget/w', message: 'no schema for example.com/v1 Widget' },
    ]);
  });

  it('what Kustomize itself refuses', () => {
    write({ 'kustomization.yaml': 'resources: [missing.yaml]\n' });
    const { objects, errors } = render(dir);
    expect(objects).toEqual([]);
    expect(errors[0]!.message).toMatch(/kubectl kustomize .* failed: .*missing\.yaml/s);
  });
});

/** The metrics the code declares through `Metrics` (libs/observability): `parley_<name>`, its type and labels. */
function declaredMetrics(): Map<string, { type: string; labels: string[] }> {
  const found = new Map<string, { type: string; labels: string[] }>();
  const declaration = /metrics\.(counter|gauge|histogram)\(\s*'([a-z0-9_]+)',\s*'(?:[^'\\]|\\.)*'\s*(?:,\s*\[([^\]]*)\])?/g;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    );
  const sources = ['libs', 'services'].flatMap((top) =>
    readdirSync(join(ROOT, top)).filter((p) => existsSync(join(ROOT, top, p, 'src'))).flatMap((p) => walk(join(ROOT, top, p, 'src'))),
  );
  for (const file of sources) {
    for (const m of readFileSync(file, 'utf8').matchAll(declaration)) {
      const labels = [...(m[3] ?? '').matchAll(/'([a-z_]+)'/g)].map((l) => l[1]!);
      found.set(`parley_${m[2]}`, { type: m[1]!, labels });
    }
  }
  return found;
}

/** Labels Prometheus adds to every scraped series, and the one every Parley series carries (`service`). */
const TARGET_LABELS = ['service', 'job', 'pod', 'namespace', 'instance', 'container', 'endpoint'];
/** Metrics of other components that the alert rules use; deploy/README.md names them. */
const EXTERNAL_METRICS = ['up', 'nginx_ingress_controller_requests', 'keda_scaler_metrics_value'];

describe('monitoring: alert rules and the metrics catalogue', () => {
  const prod = render('deploy/k8s/overlays/prod').objects;
  const readme = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
  const declared = declaredMetrics();
  const rules = find(prod, 'PrometheusRule', 'parley')!.spec.groups.flatMap((g: { rules: any[] }) => g.rules) as {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }[];
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  const anchors = new Set(
    [...readme.matchAll(/^#{1,4} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-')),
  );

  it('finds the metrics the services declare (sanity of the scan)', () => {
    expect(declared.get('parley_rt_latency_seconds')).toEqual({ type: 'histogram', labels: ['engine', 'segment'] });
    expect(declared.get('parley_socket_connections')).toEqual({ type: 'gauge', labels: [] });
    expect(declared.size).toBeGreaterThan(20);
  });

  it('catalogues every metric the code declares, with its type and labels, and nothing else', () => {
    const rows = [...readme.matchAll(/^\| `(parley_[a-z0-9_]+)` \| (counter|gauge|histogram) \| ([^|]*) \|/gm)].map((m) => [
      m[1]!,
      { type: m[2]!, labels: [...m[3]!.matchAll(/`([a-z_]+)`/g)].map((l) => l[1]!) },
    ]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(declared));
  });

  it('scrapes every Parley pod on its http port', () => {
    const monitor = find(prod, 'PodMonitor', 'parley')!;
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(monitor.spec.jobLabel).toBe('app.kubernetes.io/part-of');
    for (const d of prod.filter((o) => o.kind === 'Deployment')) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
      expect(labels['app.kubernetes.io/part-of']).toBe('parley'); // job="parley" in the rules
    }
  });

  it('has alert rules that parse, with a severity, a summary and a runbook section that exists', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      const errors: string[] = [];
      promql.parse(rule.expr).iterate({ enter: (n) => void (n.type.isError && errors.push(rule.expr.slice(n.from, n.to + 10))) });
      expect({ alert: rule.alert, errors }).toEqual({ alert: rule.alert, errors: [] });
      expect(rule.for).toMatch(/^\d+m$/);
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      const [file, anchor] = rule.annotations.runbook!.split('#');
      expect({ alert: rule.alert, file, anchor: anchors.has(anchor!) }).toEqual({ alert: rule.alert, file: 'deploy/README.md', anchor: true });
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('uses only metrics that exist: the services\' (with their declared labels), Node defaults, and documented external ones', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const defaults = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    for (const rule of rules) {
      const tree = promql.parse(rule.expr);
      tree.iterate({
        enter: (node) => {
          if (node.name !== 'VectorSelector') return;
          const name = rule.expr.slice(node.node.firstChild!.from, node.node.firstChild!.to);
          const used = node.node.getChildren('LabelMatchers').flatMap((m) => {
            const names: string[] = [];
            m.cursor().iterate((c) => void (c.name === 'LabelName' && names.push(rule.expr.slice(c.from, c.to))));
            return names;
          });
          if (name.startsWith('parley_')) {
            const base = name.replace(/_(bucket|sum|count)$/, '');
            const metric = declared.get(name) ?? (declared.get(base)?.type === 'histogram' ? declared.get(base) : undefined);
            expect({ alert: rule.alert, name, declared: Boolean(metric) }).toEqual({ alert: rule.alert, name, declared: true });
            const allowed = [...metric!.labels, ...TARGET_LABELS, ...(name.endsWith('_bucket') ? ['le'] : [])];
            expect({ alert: rule.alert, name, unknown: used.filter((l) => !allowed.includes(l)) }).toEqual({ alert: rule.alert, name, unknown: [] });
          } else {
            expect({ alert: rule.alert, name, known: defaults.has(name) || EXTERNAL_METRICS.includes(name) }).toEqual({ alert: rule.alert, name, known: true });
          }
        },
      });
    }
    for (const name of EXTERNAL_METRICS.filter((n) => n !== 'up')) expect(readme).toContain(`\`${name}\``);
  });
});

/** The Ingress path that serves `path` as ingress-nginx picks it: an Exact match, else the longest Prefix match. */
function route(ingresses: Obj[], path: string): { ingress: Obj; path: string } | undefined {
  const candidates = ingresses.flatMap((ingress) =>
    ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => ({ ingress, path: p.path as string, type: p.pathType as string }))),
  );
  const exact = candidates.find((c) => c.type === 'Exact' && c.path === path);
  if (exact) return exact;
  // Prefix matches whole path elements: /api matches /api and /api/x, never /apix.
  const matches = (prefix: string) => prefix === '/' || path === prefix.replace(/\/$/, '') || path.startsWith(`${prefix.replace(/\/$/, '')}/`);
  return candidates.filter((c) => c.type === 'Prefix' && matches(c.path)).sort((a, b) => b.path.length - a.path.length)[0];
}

describe('docker-compose.yml', () => {
  const file = join(ROOT, 'docker-compose.yml');
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, any> };
  const services = compose.services;

  it('passes `docker-compose config -q`', () => {
    const res = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error(
        'docker-compose is not installed, so docker-compose.yml cannot be validated. Install it with ' +
          '`apt-get install --no-install-recommends docker-compose` (Debian/Ubuntu; validates without a Docker engine) ' +
          'or `pip install docker-compose`, then rerun.',
      );
    }
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('runs the infrastructure with healthchecks: postgres 15, redis 7, nats 2.10 with JetStream, minio', () => {
    expect(services.postgres.image).toMatch(/^postgres:15/);
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(services.nats.image).toMatch(/^nats:2\.10/);
    expect(services.nats.command).toEqual(expect.arrayContaining(['-js', '-m', '8222']));
    expect(services.nats.healthcheck.test.join(' ')).toContain(':8222/healthz');
    expect(services.minio.image).toMatch(/minio\/minio/);
    for (const name of ['postgres', 'redis', 'nats', 'minio']) expect(services[name].healthcheck.test).toBeDefined();
  });

  it('creates the bucket and migrates the database in one-shot services', () => {
    expect(services['minio-setup'].image).toMatch(/minio\/mc/);
    expect(services['minio-setup'].depends_on.minio.condition).toBe('service_healthy');
    expect(services['minio-setup'].command.join(' ')).toContain('mc mb --ignore-existing');
    const migrate = services.migrate;
    expect(migrate.build).toEqual(services.session.build);
    expect(migrate.image).toBe(services.session.image);
    expect(migrate.command.join(' ')).toContain('node libs/db/dist/cli.js migrate && node libs/db/dist/cli.js seed');
    expect(migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(migrate.restart).toBe('no');
  });

  it.each(SERVICE_NAMES)('runs %s built from the Dockerfile, healthchecked, configured, after healthy infra', (name) => {
    const s = services[name];
    const { port, portVar } = SERVICES[name];
    expect(s.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { SERVICE: name } });
    expect(s.image).toBe(`\${PARLEY_IMAGE_PREFIX:-parley}/${name}:\${PARLEY_TAG:-local}`);
    expect(existsSync(join(ROOT, s.build.dockerfile))).toBe(true);
    expect(s.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    for (const key of [
      'DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY', 'AUTH_MODE', 'JWT_SECRET', 'PARLEY_NAMESPACE', 'LOG_LEVEL', 'SHUTDOWN_GRACE_MS',
    ]) {
      expect(s.environment[key]).toBeDefined();
    }
    expect(s.environment[portVar]).toBe(String(port));
    expect(s.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      nats: { condition: 'service_healthy' },
      minio: { condition: 'service_healthy' },
      'minio-setup': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    // Compose must wait at least as long as the service drains before it kills it.
    const graceSec = Number(s.environment.SHUTDOWN_GRACE_MS) / 1000;
    expect(Number(String(s.stop_grace_period).replace(/s$/, ''))).toBeGreaterThanOrEqual(graceSec + 5);
  });

  it('publishes the gateway on 8080 and no database, queue or bus port', () => {
    expect(services.gateway.ports).toEqual(['${GATEWAY_PUBLISHED_PORT:-8080}:8080']);
    for (const name of ['postgres', 'redis', 'nats', ...SERVICE_NAMES.filter((n) => n !== 'gateway')]) {
      expect(services[name].ports).toBeUndefined();
    }
  });
});

describe('Dockerfile (one for every service)', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ from: m[1], as: m[2] }));
  const stageText = (name: string) => {
    const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
    const next = text.slice(start + 1).search(/^FROM /m);
    return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  };
  const runtime = stageText('runtime');
  const launcher = readFileSync(join(ROOT, 'deploy/docker/run-service.sh'), 'utf8');

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.map((s) => s.as)).toEqual(['manifests', 'deps', 'build', 'prod-deps', 'stage', 'runtime']);
    expect(stages.find((s) => s.as === 'runtime')!.from).toBe('${NODE_IMAGE}');
  });

  it('takes the service as the build argument SERVICE, only from the stage stage on (one workspace build for all)', () => {
    for (const shared of ['manifests', 'deps', 'build', 'prod-deps']) expect(stageText(shared)).not.toMatch(/SERVICE/);
    expect(stageText('stage')).toMatch(/^ARG SERVICE$/m);
    expect(runtime).toMatch(/^ARG SERVICE$/m);
    for (const name of SERVICE_NAMES) expect(stageText('stage')).toContain(name);
  });

  it('installs from the lockfile and builds with npm run build', () => {
    expect(text).toContain('package-lock.json');
    expect(text).toMatch(/npm install --ignore-scripts --no-audit --no-fund/);
    expect(text).toMatch(/^RUN npm run build$/m);
    expect(text).toMatch(/npm prune --omit=dev/);
  });

  it('runs the service as a non-root user in production mode, through run-service.sh', () => {
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/PARLEY_SERVICE=\$\{SERVICE\}/);
    expect(runtime).toMatch(/^USER 1000:1000$/m);
    expect(runtime).toContain('COPY deploy/docker/run-service.sh /usr/local/bin/parley-service');
    expect(runtime.trim().split('\n').pop()).toBe('CMD ["sh", "/usr/local/bin/parley-service"]');
    expect(launcher).toMatch(/^exec node "services\/\$PARLEY_SERVICE\/dist\/main\.js"/m);
    // The runtime image gets only the staged service, libs and pruned dependencies, never the build tree.
    expect(runtime).not.toMatch(/COPY --from=build /);
    expect(runtime).toContain(`COPY --from=prod-deps /app/node_modules ./node_modules`);
  });

  it.each(SERVICE_NAMES)('%s: run-service.sh defaults its port and drain window', (name) => {
    const { port, portVar } = SERVICES[name];
    const line = launcher.split('\n').find((l) => l.trim().startsWith(`${name})`));
    expect(line).toContain(`\${${portVar}:=${port}}`);
    expect(line).toMatch(/\$\{SHUTDOWN_GRACE_MS:=\d+\}/);
  });

  it('installs pocketsphinx, its English model and libpocketsphinx3 for asr only', () => {
    expect(runtime).toMatch(/if \[ "\$SERVICE" = asr \]; then/);
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends pocketsphinx pocketsphinx-en-us libpocketsphinx3/);
  });

  it('ships the built web client with the gateway only', () => {
    expect(stageText('stage')).toMatch(/stage-runtime\.sh "\$SERVICE" \/stage \$\(if \[ "\$SERVICE" = gateway \]; then echo --web; fi\)/);
    expect(launcher).toContain('${WEB_DIST:=/app/web/dist}');
  });

  it('replaces the per-service Dockerfiles', () => {
    for (const name of SERVICE_NAMES) expect(existsSync(join(ROOT, `services/${name}/Dockerfile`))).toBe(false);
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  it('keeps host dependencies, build output, VCS data and env files out of the build context', () => {
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '**/.env']));
    // The staging script must stay in the context.
    expect(lines).not.toContain('deploy');
    expect(lines).not.toContain('deploy/docker');
  });
});

function byConsumer(a: { consumer: string }, b: { consumer: string }) {
  return a.consumer.localeCompare(b.consumer);
}
