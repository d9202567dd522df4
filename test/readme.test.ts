import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describeSettings } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';
import { inferenceSettings } from '../inference-grpc/src/index';
import { modelsSettings } from '../subgraphs/models/src/index';
import { supergraphSettings } from '../supergraph/src/index';
import { predictionSettings } from '../subgraphs/prediction/src/index';
import { harnessSettings } from '../stack/config';

const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('opens with the two set-up commands, which exist', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
    expect(packageJson.scripts.test).toBe(
      'npm run typecheck && npm run lint && npm run format:check && npm run schema:check && npm run test:unit',
    );
  });

  it.each([
    ['inference-grpc', inferenceSettings],
    ['prediction-subgraph', predictionSettings],
    ['models-subgraph', modelsSettings],
    ['supergraph', supergraphSettings],
    ['test harness', harnessSettings],
  ])('documents every setting of %s with its default', (service, settings) => {
    for (const s of describeSettings(settings)) {
      expect(readme).toContain(`| \`${s.env}\` | ${service} | \`${s.default}\` | ${s.doc} |`);
    }
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] ?? '');
    expect(named.filter((n) => !(n in packageJson.scripts))).toEqual([]);
  });
});
