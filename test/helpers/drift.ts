/** Generated code is checked by generating it afresh into a temporary folder and comparing every file. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), readFileSync(full, 'utf8'));
  }
  return out;
}

/** Fails, naming the file, when `generate` writes anything other than what `committedDir` holds. */
export function expectNoDrift(committedDir: string, generate: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'infergraph-generated-'));
  try {
    generate(dir);
    const fresh = files(dir);
    const committed = files(committedDir);
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, text] of fresh) expect({ name, text: committed.get(name) }).toEqual({ name, text });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
