import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/grpc/proto';

const COMMITTED = path.join(PROJECT_ROOT, 'clients', 'generated');

/** In its own process: GraphQL Code Generator loads ES modules that jest's CommonJS runtime cannot. */
function generateInto(dir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'generate-client.ts'), dir], { cwd: PROJECT_ROOT, stdio: 'pipe', timeout: 60_000 });
}

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), readFileSync(full, 'utf8'));
  }
  return out;
}

describe('generated GraphQL client', () => {
  it('matches schema/api.graphql and clients/operations exactly (run `npm run generate:client` after changing either)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infergraph-client-'));
    try {
      generateInto(dir);
      const fresh = files(dir);
      const committed = files(COMMITTED);
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [name, text] of fresh) expect({ name, text: committed.get(name) }).toEqual({ name, text });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
