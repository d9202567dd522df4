/**
 * Hive Gateway (@graphql-hive/gateway, its own CLI) serving our
 * schema/supergraph.graphql, with the subgraph routing URLs replaced by the
 * ones given, as the peer of bench:peer. Run through its CLI rather than
 * imported: its types augment graphql's and would change how ours compile.
 *
 * Two runtimes: `js`, the CLI as shipped (its JavaScript federation runtime,
 * in-flight deduplication of subgraph queries on), and `router`, the same CLI
 * with a gateway.config.mjs beside the supergraph that sets
 * `unifiedGraphHandler` from @graphql-hive/router-runtime (Hive Router's Rust
 * query planner and its plan executor), as its docs configure it. Startup
 * waits for the CLI to say it loaded that config, so a config it did not find
 * fails the bench instead of measuring the JavaScript runtime twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { PROJECT_ROOT } from '../../lib/paths';
import { until } from '../../lib/until';
import { harnessConfig } from '../../stack/config';

export type HiveRuntime = 'js' | 'router';

export interface HiveGateway {
  /** Its /graphql. */
  readonly url: string;
  /** Its process (the CLI serves from it: one worker unless --fork). */
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const HIVE = path.join(PROJECT_ROOT, 'node_modules', '@graphql-hive');
/** What the CLI logs once it imported a gateway.config file (its loadConfig). */
const CONFIG_LOADED = 'Loaded config';

/** The version of an installed @graphql-hive package, from its package.json. */
export function hiveVersion(name: 'gateway' | 'router-runtime'): string {
  return (JSON.parse(readFileSync(path.join(HIVE, name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A port free right now (the CLI takes no port 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The config that switches the CLI to the router runtime; imported by absolute URL, as the temp dir has no node_modules. */
function routerConfig(): string {
  const runtime = pathToFileURL(path.join(HIVE, 'router-runtime', 'dist', 'index.js')).href;
  return `import { unifiedGraphHandler } from ${JSON.stringify(runtime)};\nexport const gatewayConfig = { unifiedGraphHandler };\n`;
}

export async function startHiveGateway(subgraphUrls: Record<string, string>, runtime: HiveRuntime): Promise<HiveGateway> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `infergraph-hive-${runtime}-`));
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(
    file,
    readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8').replace(
      /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
      (whole, name: string) => (subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")` : whole),
    ),
  );
  if (runtime === 'router') writeFileSync(path.join(dir, 'gateway.config.mjs'), routerConfig());
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(HIVE, 'gateway', 'dist', 'bin.js'), 'supergraph', file, '--host', '127.0.0.1', '--port', String(port)],
    // Its default log level (info): it logs start-up, not requests.
    { cwd: dir, env: { PATH: harnessConfig().path }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 64 * 1024) output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const readiness = `http://127.0.0.1:${port}/readiness`;
  const ready = (): Promise<boolean> =>
    fetch(readiness).then(
      (r) => r.ok,
      () => false,
    );
  const failed = async (why: string): Promise<never> => {
    await stop();
    throw new Error(`Hive Gateway (${runtime} runtime) ${why}: ${output}`);
  };
  await until(async () => child.exitCode !== null || (await ready()), `Hive Gateway at ${readiness}`, READY_TIMEOUT_MS).catch(() =>
    failed('did not get ready'),
  );
  if (child.exitCode !== null) await failed('exited');
  if (output.includes(CONFIG_LOADED) !== (runtime === 'router')) await failed('did not load the config it was given, and only that');
  return { url: `http://127.0.0.1:${port}/graphql`, pid: child.pid ?? 0, stop };
}
