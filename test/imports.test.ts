// The stage layout as a test: stages exchange the neutral types, only the composing folders use
// the pipeline, and folders import each other without a cycle. Prints the folder graph.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
/** May import src/pipeline/: the pipeline itself and what drives it. */
const PIPELINE_USERS = new Set(['pipeline', 'cli', 'batch', 'index.ts']);

/** Static imports and re-exports (type-only too), dynamic import(), and worker entry points. */
const SPECIFIER =
  /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]|workerEntry\([^,]+,\s*['"]([^'"]+)['"]\)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.isFile() && e.name.endsWith('.ts') ? [p] : [];
  });
}

/** 'clustering' for src/clustering/ahc.ts; the file name for a file at the top of src/. */
const folderOf = (file: string): string => path.relative(srcDir, file).split(path.sep)[0];

const edges: Array<{ from: string; to: string; fromFolder: string; toFolder: string }> = [];
for (const file of sourceFiles(srcDir)) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    edges.push({
      from: path.relative(srcDir, file),
      to: path.relative(srcDir, target),
      fromFolder: folderOf(file),
      toFolder: folderOf(target),
    });
  }
}

const graph = new Map<string, Set<string>>();
for (const e of edges) {
  if (e.fromFolder === e.toFolder) continue;
  if (!graph.has(e.fromFolder)) graph.set(e.fromFolder, new Set());
  graph.get(e.fromFolder)?.add(e.toFolder);
}

/** Folder cycles, each as a path that starts and ends at the same folder (depth-first search). */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

describe('src/ import graph', () => {
  it('prints the folder graph', () => {
    const lines = [...graph.keys()].sort().map((n) => `  ${n} -> ${[...(graph.get(n) ?? [])].sort().join(', ')}`);
    console.log(`src/ folder imports (${edges.length} relative imports):\n${lines.join('\n')}`);
    expect(edges.length).toBeGreaterThan(0);
  });

  it('has no cycle between folders', () => {
    expect(cycles().map((c) => c.join(' -> '))).toEqual([]);
  });

  it('lets only the pipeline, the CLI, batch and the package entry import src/pipeline/', () => {
    const offending = edges.filter((e) => e.toFolder === 'pipeline' && !PIPELINE_USERS.has(e.fromFolder));
    expect(offending.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('keeps src/types.ts free of imports', () => {
    expect(edges.filter((e) => e.from === 'types.ts').map((e) => e.to)).toEqual([]);
  });
});
