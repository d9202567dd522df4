import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Metadata, status } from '@grpc/grpc-js';

import { createInferenceClient } from '../lib/grpc/client';
import type { PredictResponse__Output } from '../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import { PROJECT_ROOT } from '../lib/paths';
import { unary } from '../lib/grpc/unary';
import { startCluster } from '../stack/cluster';
import { harnessConfig } from '../stack/config';
import { graphql } from '../stack/graphql-client';
import { builtEntry } from '../stack/process';
import { SERVICES } from '../stack/topology';
import { failure } from './helpers/inference';

describe('npm start', () => {
  it('starts the stack, prints where it is, serves predictions over GraphQL (gRPC only with its per-run token) and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/start.ts'), '--ephemeral-ports'], {
      cwd: PROJECT_ROOT,
      env: { PATH: harnessConfig().path, HOST: '127.0.0.1', NUMERIC_LATENCY_MS: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let out = '';
      const [address, graphqlUrl] = await new Promise<[string, string]>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /InferGraph is up:[\s\S]*inference-grpc\s+gRPC (\S+)[\s\S]*GraphQL\s+(\S+)/.exec(out);
          if (m?.[1] && m[2]) resolve([m[1], m[2]]);
        });
        void exited.then((code) => reject(new Error(`start exited with ${code}: ${out}`)));
      });
      expect(out).toContain('[inference] INFO  inference-grpc listening');

      // A random token per run, handed to the subgraphs only: a client without it is turned away, GraphQL still answers.
      const client = createInferenceClient(address);
      const refused = await failure(
        unary<PredictResponse__Output>((cb) =>
          client.Predict({ model: 'sentiment', input: { text: 'what a lovely day' } }, new Metadata(), { deadline: Date.now() + 5000 }, cb),
        ),
      );
      expect(refused).toMatchObject({ grpc: status.UNAUTHENTICATED, code: 'UNAUTHENTICATED' });
      const viaGraphQL = await graphql<{ predict: { label: string; routing: string; model: { defaultVersion: string } } }>(
        graphqlUrl,
        'mutation { predict(input: { model: "sentiment", text: "what a lovely day" }) { label routing model { defaultVersion } } }',
      );
      expect(viaGraphQL.data?.predict).toEqual({ label: 'POSITIVE', routing: 'DEFAULT', model: { defaultVersion: 'v1' } });

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('[inference] INFO  stopped');
      for (const name of ['supergraph', 'models', 'prediction']) expect(out).toContain(`[${name}] INFO  shutting down`);
      const after = await failure(unary((cb) => client.ListModels({}, new Metadata(), { deadline: Date.now() + 1000 }, cb)));
      expect(after.grpc).toBeGreaterThan(0);
      client.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('with --built compiles the services and runs each from dist/, as the deploy files do, and the build serves predictions', async () => {
    const cluster = await startCluster(1, { NUMERIC_LATENCY_MS: '10' }, { built: 'compile' });
    try {
      for (const spec of SERVICES) {
        const argv = readFileSync(`/proc/${cluster.pid(spec.name)}/cmdline`, 'utf8').split('\0');
        expect(argv[1]).toBe(path.join(PROJECT_ROOT, builtEntry(spec.entry)));
        expect(argv).not.toContain('tsx');
      }
      const answer = await graphql<{ predict: { label: string; model: { defaultVersion: string } } }>(
        cluster.url('supergraph'),
        'mutation { predict(input: { model: "sentiment", text: "what a lovely day" }) { label model { defaultVersion } } }',
      );
      expect(answer.data?.predict).toEqual({ label: 'POSITIVE', model: { defaultVersion: 'v1' } });
    } finally {
      await cluster.stop();
    }
  }, 120_000);

  it('refuses a LOG_LEVEL that would hide where each service listens, instead of waiting forever', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/start.ts'), '--ephemeral-ports'], {
      cwd: PROJECT_ROOT,
      env: { PATH: harnessConfig().path, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('LOG_LEVEL=warn hides it');
  });
});
