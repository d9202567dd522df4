/** `npm run example:client` against a real stack on port 0, so the example cannot silently rot. */
import { execFile } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { harnessConfig } from '../stack/config';
import { startStack } from '../test/helpers/stack';
import type { Stack } from '../test/helpers/stack';

const RUN_TIMEOUT_MS = 60_000;

function runExample(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'clients', 'example.ts'), ...args],
      { cwd: PROJECT_ROOT, env: { PATH: harnessConfig().path, ...env }, timeout: RUN_TIMEOUT_MS },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('npm run example:client', () => {
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it(
    'prints the models, a prediction and latency events from the subscription, and exits 0',
    async () => {
      const { code, stdout, stderr } = await runExample([stack!.supergraph.url]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain(`InferGraph at ${stack!.supergraph.url} (subscriptions ${stack!.supergraph.url.replace('http', 'ws')})`);
      expect(stdout).toMatch(
        /models:\n {2}sentiment +TEXT +default v1 {2}canary none {2}versions v1, v2, v3\n {2}numeric +FEATURES +default v1/,
      );
      expect(stdout).toMatch(
        /predict sentiment "What a lovely day": POSITIVE score 0\.\d{3}\n {2}version v1, routing DEFAULT, cache MISS, [\d.]+ ms, batch of 1/,
      );
      const events = stdout.split('latency events (subscription, first 3):\n')[1]?.trimEnd().split('\n') ?? [];
      expect(events).toHaveLength(3);
      for (const line of events)
        expect(line).toMatch(/^ {2}\S+Z {2}(sentiment|numeric) v1 {2}routing DEFAULT {2}cache BYPASS {2}[\d.]+ ms {2}batch \d+$/);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'reads the URL from GRAPHQL_URL, and fails with exit 1 and a reason when nothing answers there',
    async () => {
      const { code, stderr } = await runExample([], { GRAPHQL_URL: 'http://127.0.0.1:9/graphql' });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^example client failed: /);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'names a bad GRAPHQL_URL',
    async () => {
      const { code, stderr } = await runExample([], { GRAPHQL_URL: 'ftp://example.com/graphql' });
      expect(code).toBe(1);
      expect(stderr).toContain('GRAPHQL_URL="ftp://example.com/graphql": expected an http(s) URL, not ftp:');
    },
    RUN_TIMEOUT_MS,
  );
});
