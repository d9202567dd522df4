/**
 * Hive Gateway (@graphql-hive/gateway, its own CLI) serving our
 * schema/supergraph.graphql, with the subgraph routing URLs replaced by the
 * ones given, as the peer of bench:peer. Run through its CLI rather than
 * imported: its types augment graphql's and would change how ours compile.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { PROJECT_ROOT } from '../../lib/paths';

export interface HiveGateway {
  /** Its /graphql. */
  readonly url: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/** A port free right now (the CLI takes no port 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startHiveGateway(subgraphUrls: Record<string, string>): Promise<HiveGateway> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'infergraph-hive-'));
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(
    file,
    readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8').replace(
      /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
      (whole, name: string) => (subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")` : whole),
    ),
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
      'supergraph',
      file,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/graphql`;
  for (const until = Date.now() + READY_TIMEOUT_MS; ;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readiness`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`Hive Gateway did not get ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
