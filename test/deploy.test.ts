/**
 * No Docker engine runs here, so the deployment files are checked against the
 * code: every service, port, variable, probe and command they name must be
 * one the code has.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { parse, parseAllDocuments } from 'yaml';

import { describeSettings } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';
import { inferenceSettings } from '../inference-grpc/src/index';
import { modelsSettings } from '../subgraphs/models/src/index';
import { predictionSettings } from '../subgraphs/prediction/src/index';
import { supergraphSettings } from '../supergraph/src/index';

const SERVICES = {
  inference: { entry: 'inference-grpc/src/main', settings: inferenceSettings, port: 50051, probePort: 9464, metricsPort: 9464 },
  prediction: { entry: 'subgraphs/prediction/src/main', settings: predictionSettings, port: 4001, probePort: 4001, metricsPort: 9461 },
  models: { entry: 'subgraphs/models/src/main', settings: modelsSettings, port: 4002, probePort: 4002, metricsPort: 9462 },
  supergraph: { entry: 'supergraph/src/main', settings: supergraphSettings, port: 4000, probePort: 4000, metricsPort: 9460 },
} as const;
type ServiceName = keyof typeof SERVICES;

const known = (service: ServiceName): Set<string> => new Set(describeSettings(SERVICES[service].settings).map((s) => s.env));
const file = (name: string): string => readFileSync(path.join(PROJECT_ROOT, name), 'utf8');

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  build?: unknown;
}

describe('deploy/Dockerfile', () => {
  const dockerfile = file('deploy/Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage and runs from another with production dependencies only, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages[stages.length - 1] ?? '';
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist dist/);
    expect(stages[0]).toMatch(/npm run build/);
    // The supergraph serves the playground and dashboard from ui/dist (UI_DIR).
    expect(stages[0]).toMatch(/npm run build:ui/);
    expect(runtime).toMatch(/COPY --from=build \/app\/ui\/dist ui\/dist/);
  });

  it('turns introspection off in the image', () => {
    expect(stages[stages.length - 1]).toMatch(/^ENV INTROSPECTION=false$/m);
  });

  it('copies every folder the compiled services read at run time', () => {
    for (const folder of ['proto', 'schema', 'model-repository']) expect(dockerfile).toContain(`COPY ${folder} ${folder}`);
    for (const folder of ['lib', 'inference-grpc', 'subgraphs', 'supergraph', 'clients', 'ui'])
      expect(dockerfile).toContain(`COPY ${folder} ${folder}`);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(file('docker-compose.yml')) as { services: Record<string, ComposeService> };

  it('runs Redis and the four services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['inference', 'models', 'prediction', 'redis', 'supergraph']);
  });

  it.each(Object.keys(SERVICES) as ServiceName[])(
    '%s: runs its compiled entry point with variables its config reads, a health check on its /ready and a restart policy',
    (name) => {
      const spec = SERVICES[name];
      const service = compose.services[name] as ComposeService;
      expect(service.command).toEqual(['node', `dist/${spec.entry}.js`]);
      expect(existsSync(path.join(PROJECT_ROOT, `${spec.entry}.ts`))).toBe(true);
      const variables = Object.keys(service.environment ?? {});
      expect(variables.filter((v) => !known(name).has(v))).toEqual([]);
      expect(service.environment?.PORT).toBe(String(spec.port));
      expect(service.environment?.METRICS_PORT).toBe(String(spec.metricsPort));
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${spec.probePort}/ready`);
      expect(service.restart ?? (compose as unknown as { 'x-service': ComposeService })['x-service'].restart).toBe('unless-stopped');
    },
  );

  it("gives inference-grpc and only the subgraphs the token, and keeps the supergraph off inference-grpc's network", () => {
    const service = (name: string): ComposeService & { networks?: string[] } =>
      compose.services[name] as ComposeService & { networks?: string[] };
    expect(service('inference').environment?.HOST).toBe('0.0.0.0');
    for (const name of ['inference', 'prediction', 'models'])
      expect(service(name).environment?.INFERENCE_TOKEN).toBe('${INFERENCE_TOKEN:?set INFERENCE_TOKEN}');
    expect(service('supergraph').environment).not.toHaveProperty('INFERENCE_TOKEN');
    expect(service('inference').networks).toEqual(['inference']);
    for (const name of ['prediction', 'models']) expect(service(name).networks).toContain('inference');
    expect(service('supergraph').networks ?? ['default']).not.toContain('inference');
  });

  it('wires the services to each other by name and port', () => {
    const env = (name: string) => compose.services[name]?.environment ?? {};
    expect(env('prediction').INFERENCE_URL).toBe('inference:50051');
    expect(env('models').INFERENCE_URL).toBe('inference:50051');
    expect(env('supergraph').PREDICTION_URL).toBe('http://prediction:4001/graphql');
    expect(env('supergraph').MODELS_URL).toBe('http://models:4002/graphql');
    // The subgraphs keep the nonces of signed requests there, so every replica refuses a replay.
    for (const name of ['inference', 'prediction', 'models', 'supergraph']) expect(env(name).REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(compose.services.supergraph?.depends_on ?? {}).sort()).toEqual(['models', 'prediction', 'redis']);
  });

  it('turns introspection off at the supergraph', () => {
    expect(compose.services.supergraph?.environment?.INTROSPECTION).toBe('false');
  });
});

describe('deploy/k8s', () => {
  interface Doc {
    kind: string;
    metadata: { name: string };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  }
  interface Container {
    command: string[];
    ports: { name?: string; containerPort: number }[];
    env: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { key: string }; secretKeyRef?: { key: string } } }[];
    livenessProbe: { httpGet: { path: string; port: number } };
    readinessProbe: { httpGet: { path: string; port: number } };
    resources: { requests: unknown; limits: unknown };
  }
  const docs: Doc[] = readdirSync(path.join(PROJECT_ROOT, 'deploy/k8s'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(file(`deploy/k8s/${f}`)).map((d) => d.toJS() as Doc));
  const find = (kind: string, name: string): Doc | undefined => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const configMap = find('ConfigMap', 'infergraph-config');
  const secret = find('Secret', 'infergraph-secrets');

  it.each(Object.keys(SERVICES) as ServiceName[])('%s: a Deployment with probes, resources, known variables and the right port', (name) => {
    const spec = SERVICES[name];
    const deployment = find('Deployment', name);
    const container = (deployment?.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0] as Container;
    expect(container.command).toEqual(['node', `dist/${spec.entry}.js`]);
    expect(container.ports.map((p) => p.containerPort)).toContain(spec.port);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: spec.probePort });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: spec.probePort });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
    const names = container.env.map((e) => e.name);
    expect(names.filter((v) => v !== 'NODE_ENV' && !known(name).has(v))).toEqual([]);
    expect(container.env.find((e) => e.name === 'PORT')?.value).toBe(String(spec.port));
    for (const e of container.env) {
      const ref = e.valueFrom?.configMapKeyRef?.key ?? e.valueFrom?.secretKeyRef?.key;
      if (e.valueFrom?.configMapKeyRef) expect(configMap?.data).toHaveProperty(ref ?? '?');
      if (e.valueFrom?.secretKeyRef) expect(secret?.stringData).toHaveProperty(ref ?? '?');
    }
  });

  it.each(Object.keys(SERVICES) as ServiceName[])(
    '%s: serves /metrics on its own port, open to scrapers in the cluster but behind no Service',
    (name) => {
      const spec = SERVICES[name];
      const container = (find('Deployment', name)?.spec as { template: { spec: { containers: Container[] } } }).template.spec
        .containers[0] as Container;
      expect(container.ports).toContainEqual({ name: 'metrics', containerPort: spec.metricsPort });
      expect(container.env.find((e) => e.name === 'METRICS_PORT')?.value).toBe(String(spec.metricsPort));
      expect(container.env.find((e) => e.name === 'METRICS_HOST')?.value).toBe('0.0.0.0');
      for (const service of docs.filter((d) => d.kind === 'Service')) {
        const ports = (service.spec as { ports: { targetPort: number | string }[] }).ports;
        expect([service.metadata.name, ports.some((p) => p.targetPort === spec.metricsPort)]).toEqual([service.metadata.name, false]);
      }
    },
  );

  it('puts inference replicas sharing their traffic policy in Redis behind a headless Service the subgraphs reach with round-robin', () => {
    const headless = find('Service', 'inference-headless');
    expect(headless?.spec?.clusterIP).toBe('None');
    expect(configMap?.data?.INFERENCE_URL).toBe('dns:///inference-headless:50051');
    const inference = find('Deployment', 'inference')?.spec as { replicas: number; template: { spec: { containers: Container[] } } };
    expect(inference.replicas).toBeGreaterThan(1);
    expect(inference.template.spec.containers[0]?.env.find((e) => e.name === 'REDIS_URL')?.valueFrom?.configMapKeyRef?.key).toBe(
      'REDIS_URL',
    );
  });

  it('guards inference-grpc: all interfaces but the token from the Secret in it and both subgraphs, and a NetworkPolicy letting only the subgraphs reach its gRPC port', () => {
    const containerOf = (name: string) =>
      (find('Deployment', name)?.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0] as Container;
    expect(containerOf('inference').env.find((e) => e.name === 'HOST')?.value).toBe('0.0.0.0');
    for (const name of ['inference', 'prediction', 'models']) {
      expect(containerOf(name).env.find((e) => e.name === 'INFERENCE_TOKEN')?.valueFrom?.secretKeyRef?.key).toBe('INFERENCE_TOKEN');
    }
    expect(containerOf('supergraph').env.map((e) => e.name)).not.toContain('INFERENCE_TOKEN');

    const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
    const policy = policies.find(
      (d) => (d.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector.matchLabels?.app === 'inference',
    );
    const spec = policy?.spec as {
      policyTypes: string[];
      ingress: {
        from?: { podSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] } }[];
        ports: { port: number }[];
      }[];
    };
    expect(spec.policyTypes).toEqual(['Ingress']);
    const grpcRules = spec.ingress.filter((rule) => rule.ports.some((p) => p.port === 50051));
    expect(grpcRules).toHaveLength(1);
    expect(grpcRules[0]?.from).toEqual([
      { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['prediction', 'models'] }] } },
    ]);
    // Whatever else is open (probes, Prometheus) is not the gRPC port.
    for (const rule of spec.ingress.filter((r) => r !== grpcRules[0])) expect(rule.ports.map((p) => p.port)).not.toContain(50051);
  });

  it('gives both subgraphs Redis, where the nonces of signed requests are shared by every replica', () => {
    for (const name of ['prediction', 'models']) {
      const spec = find('Deployment', name)?.spec as { template: { spec: { containers: Container[] } } };
      expect(spec.template.spec.containers[0]?.env.find((e) => e.name === 'REDIS_URL')?.valueFrom?.configMapKeyRef?.key).toBe('REDIS_URL');
    }
  });

  it('scales the stateless tiers with HPAs pointing at real Deployments', () => {
    const hpas = docs.filter((d) => d.kind === 'HorizontalPodAutoscaler');
    expect(hpas.length).toBeGreaterThanOrEqual(2);
    for (const hpa of hpas) {
      const target = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
      expect(find(target.kind, target.name)).toBeDefined();
    }
  });

  it('runs the supergraph in production with its secrets', () => {
    const container = (find('Deployment', 'supergraph')?.spec as { template: { spec: { containers: Container[] } } }).template.spec
      .containers[0] as Container;
    expect(container.env.find((e) => e.name === 'NODE_ENV')?.value).toBe('production');
    expect(container.env.find((e) => e.name === 'INTROSPECTION')?.value).toBe('false');
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual(['API_KEYS', 'INFERENCE_TOKEN', 'JWT_SECRET', 'SUBGRAPH_SECRET']);
  });
});

describe('fault hooks in deployments', () => {
  it('are off in the image, compose and the manifests (FAULT_HOOKS is never set there, and defaults to false)', () => {
    expect(describeSettings(inferenceSettings).find((s) => s.env === 'FAULT_HOOKS')?.default).toBe('false');
    for (const name of [
      'deploy/Dockerfile',
      'docker-compose.yml',
      ...readdirSync(path.join(PROJECT_ROOT, 'deploy/k8s')).map((f) => `deploy/k8s/${f}`),
    ]) {
      expect([name, file(name).includes('FAULT_HOOKS')]).toEqual([name, false]);
    }
  });
});
