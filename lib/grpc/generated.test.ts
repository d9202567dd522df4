import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateProtoTypes } from '../../scripts/generate-proto';
import { GENERATED_DIR } from './proto';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), readFileSync(full, 'utf8'));
  }
  return out;
}

describe('generated gRPC types', () => {
  it('match proto/ exactly (run `npm run generate:proto` after changing a .proto)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infergraph-proto-'));
    try {
      generateProtoTypes(dir);
      const fresh = files(dir);
      const committed = files(GENERATED_DIR);
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [name, text] of fresh) expect({ name, text: committed.get(name) }).toEqual({ name, text });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
