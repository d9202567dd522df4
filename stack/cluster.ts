/**
 * `npm start -- --replicas N --ephemeral-ports [--built]` as a child process, with the
 * address and pid of every replica read from what it prints, for tests and
 * benchmarks that need several replicas of every service.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { OPEN_CLIENT, generateInferenceToken } from '../lib/grpc/security';
import type { InferenceClientSecurity } from '../lib/grpc/security';
import { compileServices } from './build';
import { harnessConfig } from './config';
import { parseSummary } from './summary';
import type { Instance } from './summary';

export interface Cluster {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly instances: readonly Instance[];
  /** What a gRPC client of its inference replicas needs (the INFERENCE_TOKEN the stack was given). */
  readonly inferenceSecurity: InferenceClientSecurity;
  /** The URL of the instance labelled `label`; throws when there is none. */
  url(label: string): string;
  /** The pid of the instance labelled `label`; throws when there is none. */
  pid(label: string): number;
  /** Everything it printed so far. */
  output(): string;
  /** Ctrl-C, as a user stops it; SIGKILL if it has not stopped within 30 s. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 30_000;

export interface ClusterOptions {
  /**
   * Every service run from dist/, as deployed (`--built`): 'compile' has npm start compile it first, as a user's
   * `--built` does; 'once' compiles here, once per process (stack/build.ts), and has npm start run dist/ as it is
   * (`--no-compile`), so the stacks of one bench run the same build.
   */
  readonly built?: 'compile' | 'once';
}

export async function startCluster(replicas: number, env: Record<string, string>, options: ClusterOptions = {}): Promise<Cluster> {
  const token = env.INFERENCE_TOKEN ?? generateInferenceToken();
  if (options.built === 'once') compileServices();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'scripts/start.ts'),
      '--replicas',
      String(replicas),
      '--ephemeral-ports',
      ...(options.built === undefined ? [] : ['--built']),
      ...(options.built === 'once' ? ['--no-compile'] : []),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: harnessConfig().path, HOST: '127.0.0.1', ...env, INFERENCE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const instances = await new Promise<Instance[]>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const listed = parseSummary(out);
      if (listed) resolve(listed);
    });
    void exited.then((code) => reject(new Error(`npm start --replicas ${replicas} exited with ${code}: ${out}`)));
  });
  const instance = (label: string): Instance => {
    const found = instances.find((i) => i.label === label);
    if (!found) throw new Error(`no ${label} among ${instances.map((i) => i.label).join(', ')}`);
    return found;
  };
  return {
    child,
    exited,
    inferenceSecurity: { ...OPEN_CLIENT, inferenceToken: token },
    instances,
    url: (label) => instance(label).url,
    pid: (label) => instance(label).pid,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      if ((await Promise.race([exited, timedOut])) === 'timeout') child.kill('SIGKILL');
      clearTimeout(timer);
    },
  };
}
