/**
 * The import boundaries of scripts/lint/boundaries.mjs: a wrong import fails
 * `npm run lint`. Checked two ways: the rule refuses each kind of crossing on
 * a file that has it, and the project's ESLint config turns the rule on for
 * every kind of source file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../../lib/paths';

type Case = readonly [file: string, code: string];

/** Lints each snippet as if it were the file named, with the project's own ESLint config, in one child process (ESLint loads its config as ESM, which Jest cannot). */
function lintAll(cases: readonly Case[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(await new Response(process.stdin).text());
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const [file, code] of cases) {
      const [result] = await eslint.lintText(code, { filePath: file });
      out.push(result.messages.filter((m) => m.ruleId === 'infergraph/boundaries').map((m) => m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

const REFUSED: readonly (readonly [string, string, string, string])[] = [
  ['lib knows no service', 'lib/redis.ts', "import { startSupergraph } from '../supergraph/src/index';", 'knows none of them'],
  [
    'services meet only over the network',
    'subgraphs/prediction/src/resolvers.ts',
    "import { loadModelsConfig } from '../../models/src/config';",
    'only over the network',
  ],
  [
    'even through the public surface',
    'supergraph/src/server.ts',
    "import { startModelsSubgraph } from '../../subgraphs/models/src/index';",
    'only over the network',
  ],
  [
    'tests reach other services through index.ts',
    'test/cluster.test.ts',
    "import { modelCatalog } from '../inference-grpc/src/models/catalog';",
    'public surface',
  ],
  ['clients import no server code', 'clients/transport.ts', "import { int } from '../lib/config';", 'nothing outside clients/'],
  ['ui imports no server code', 'ui/dashboard/App.tsx', "import { PROJECT_ROOT } from '../../lib/paths';", 'only ui/ and clients/'],
  [
    'generated types stay in adapters',
    'subgraphs/prediction/src/resolvers.ts',
    "import type { ModelInfo } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';",
    'adapters',
  ],
  ['source never imports test/', 'bench/cache.ts', "import { redisUrl } from '../test/helpers/redis';", 'never imports test/'],
  [
    'a service never imports a tool',
    'inference-grpc/src/engine/engine.ts',
    "import { report } from '../../../bench/report';",
    'must not import bench/',
  ],
];

const ALLOWED: readonly (readonly [string, string, string])[] = [
  [
    'a service its own files and lib',
    'subgraphs/prediction/src/resolvers.ts',
    "import { toGraphQLError } from '../../../lib/graphql/errors';\nimport type { PredictionConfig } from './config';",
  ],
  ['a test another service through index.ts', 'test/cluster.test.ts', "import { startSupergraph } from '../supergraph/src/index';"],
  ['an adapter generated types', 'lib/grpc/client.ts', "import type { ModelInfo } from './generated/infergraph/inference/v1/ModelInfo';"],
  ['the ui the clients', 'ui/dashboard/App.tsx', "import { createTypedClient } from '../../clients/transport';"],
  ['anyone a package', 'clients/transport.ts', "import { createClient } from 'graphql-ws';"],
];

describe('import boundaries in npm run lint', () => {
  let refused: string[][] = [];
  let allowed: string[][] = [];
  beforeAll(() => {
    const results = lintAll([
      ...REFUSED.map(([, file, code]): Case => [file, code]),
      ...ALLOWED.map(([, file, code]): Case => [file, code]),
    ]);
    refused = results.slice(0, REFUSED.length);
    allowed = results.slice(REFUSED.length);
  }, 120_000);

  it('lints real files, so that each case is linted as the source it stands for', () => {
    for (const file of new Set([...REFUSED.map((c) => c[1]), ...ALLOWED.map((c) => c[1])]))
      expect([file, existsSync(path.join(PROJECT_ROOT, file))]).toEqual([file, true]);
  });

  it.each(REFUSED.map((c, i) => [c[0], i] as const))('refuses a crossing: %s', (_, i) => {
    const messages = refused[i] ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(REFUSED[i]?.[3]);
  });

  it.each(ALLOWED.map((c, i) => [c[0], i] as const))('allows %s', (_, i) => {
    expect(allowed[i]).toEqual([]);
  });
});
