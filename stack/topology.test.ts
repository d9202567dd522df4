import { SERVICES, processEnv, serviceSpec, wiring } from './topology';
import type { Ports, ServiceName, Topology } from './topology';

const ports = (port: number, metricsPort: number): Ports => ({ port, metricsPort });

describe('the stack topology', () => {
  it('starts inference-grpc first and the supergraph last, each service from its own main.ts', () => {
    expect(SERVICES.map((s) => s.name)).toEqual(['inference', 'prediction', 'models', 'supergraph']);
    for (const s of SERVICES) expect(s.entry).toMatch(/\/src\/main\.ts$/);
  });

  it('wires every subgraph replica to every inference replica, and gateway r to subgraph replica r', () => {
    const started = new Map<ServiceName, Ports[]>([
      ['inference', [ports(50051, 9464), ports(50061, 9474)]],
      ['prediction', [ports(4001, 9461), ports(4011, 9471)]],
      ['models', [ports(4002, 9462), ports(4012, 9472)]],
    ]);
    expect(wiring('prediction', started, 1)).toEqual({ INFERENCE_URL: '127.0.0.1:50051,127.0.0.1:50061' });
    expect(wiring('models', started, 0)).toEqual({ INFERENCE_URL: '127.0.0.1:50051,127.0.0.1:50061' });
    expect(wiring('supergraph', started, 1)).toEqual({
      PREDICTION_URL: 'http://127.0.0.1:4011/graphql',
      MODELS_URL: 'http://127.0.0.1:4012/graphql',
    });
    expect(() => wiring('supergraph', new Map(), 0)).toThrow('prediction must start before the services wired to it');
  });

  it('gives replica r the default ports + 10 r, none with one replica, 0 with ephemeral ports', () => {
    const inference = serviceSpec('inference');
    const shared = { INFERENCE_TOKEN: 't', FAULT_HOOKS: 'false' };
    const two: Topology = { replicas: 2, ephemeralPorts: false, shared };
    expect(processEnv(two, inference, 1, new Map())).toEqual({
      FAULT_HOOKS: 'false',
      INFERENCE_TOKEN: 't',
      PORT: '50061',
      METRICS_PORT: '9474',
    });
    expect(processEnv({ ...two, replicas: 1 }, inference, 0, new Map())).toEqual({ FAULT_HOOKS: 'false', INFERENCE_TOKEN: 't' });
    expect(processEnv({ ...two, ephemeralPorts: true }, inference, 1, new Map())).toMatchObject({ PORT: '0', METRICS_PORT: '0' });
  });

  it('lets the environment win over a service default, and a per-service override win over everything', () => {
    const inference = serviceSpec('inference');
    const topology: Topology = { replicas: 1, ephemeralPorts: true, shared: {}, overrides: { inference: { PORT: '7000' } } };
    expect(processEnv(topology, inference, 0, new Map())).toEqual({ FAULT_HOOKS: 'true', PORT: '7000', METRICS_PORT: '0' });
  });
});
