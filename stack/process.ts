/** Runs a service entry point as a real child process and reads its JSON log lines. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { PROJECT_ROOT } from '../lib/paths';
import { harnessConfig } from './config';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far (none kept when started with `keepLines: false`). */
  readonly lines: readonly Record<string, unknown>[];
  /** Everything it wrote to stderr (nothing kept when started with `keepLines: false`). */
  readonly stderr: string;
  /** Resolves with the first log line whose msg is `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  kill(): void;
}

export interface RunOptions {
  /** They follow the entry point on the command line. */
  readonly args?: readonly string[];
  /** Each line of stdout as written, JSON or not. */
  readonly onStdout?: (line: string) => void;
  /** Each line of stderr. */
  readonly onStderr?: (line: string) => void;
  /**
   * Keep every log line and stderr (true unless set): what a test reads afterwards.
   * A long-running stack passes false; waitForLog then sees only lines logged after it is called.
   */
  readonly keepLines?: boolean;
  /** Run the entry's compiled build, dist/<entry>.js (npm run build), as deployed, rather than its TypeScript through tsx. */
  readonly built?: boolean;
}

/** The compiled build of a TypeScript entry point, as `npm run build` writes it and the deploy files run it. */
export function builtEntry(entry: string): string {
  return path.join('dist', entry.replace(/\.ts$/, '.js'));
}

/** Runs `entry` (relative to the project root) with tsx, or its build, and exactly `env`. */
export function runEntry(entry: string, env: NodeJS.ProcessEnv, options: RunOptions = {}): ServiceProcess {
  const keep = options.keepLines ?? true;
  const program = options.built ? [path.join(PROJECT_ROOT, builtEntry(entry))] : ['--import', 'tsx', path.join(PROJECT_ROOT, entry)];
  const child = spawn(process.execPath, [...program, ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
    if (keep) stderr += `${text}\n`;
    options.onStderr?.(text);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    options.onStdout?.(text);
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (keep) lines.push(line);
    for (const w of waiters.filter((w) => w.msg === line.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    get stderr() {
      return stderr;
    },
    exited,
    waitForLog: (msg, timeoutMs = 15000) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code} before logging "${msg}"; stderr: ${stderr}`));
        });
        waiters.push({
          msg,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * For tests and benchmarks: `entry` on 127.0.0.1 with every port picked by the OS unless `env` sets them,
 * and nothing else of this process's environment but PATH. `args` follow the entry point on the command line;
 * `built` runs its build from dist/ (stack/build.ts compiles it).
 */
export function spawnService(
  entry: string,
  env: Record<string, string>,
  args: readonly string[] = [],
  options: { readonly built?: boolean } = {},
): ServiceProcess {
  return runEntry(
    entry,
    { PATH: harnessConfig().path, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...env },
    { args, built: options.built },
  );
}
