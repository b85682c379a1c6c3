import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The module graph of src/ has no circle. A module is a folder (src/rules/catalogue is its own module, apart from
 * src/rules); a module imports another when one of its files (specs aside) imports a file of the other. A folder
 * importing its own subfolders (console.module.ts assembling console/pages) is a module putting its parts
 * together, not a dependency, and is left out.
 */
const SRC = __dirname;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const moduleOf = (file: string): string => relative(SRC, dirname(file)) || '.';
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]*)['"]|import\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*\)/g;

/** Module to the modules it imports. */
export function moduleGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = moduleOf(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1] ?? match[2]);
      const targetFile = existsSync(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts');
      if (relative(SRC, targetFile).startsWith('..')) continue; // outside src/
      const to = moduleOf(targetFile);
      const ownPart = from === '.' || to.startsWith(`${from}/`);
      if (to !== from && !ownPart) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** The circles of a graph: its strongly connected components of more than one node (Tarjan). */
export function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do component.push((w = stack.pop()!));
      while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the module graph of src/', () => {
  it('finds a circle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('sees the imports between modules', () => {
    const graph = moduleGraph();
    expect(graph.get('checks')).toContain('rules/catalogue');
    expect(graph.get('checks')).toContain('flags');
  });

  it('has no circle', () => {
    const graph = moduleGraph();
    const described = circles(graph).map((circle) =>
      circle
        .map((m) => `${m} -> ${[...(graph.get(m) ?? [])].filter((t) => circle.includes(t)).join(', ')}`)
        .join('; '),
    );
    expect(described).toEqual([]);
  });

  it('keeps the vocabulary free of imports', () => {
    expect(readFileSync(join(SRC, 'common/vocabulary.ts'), 'utf8')).not.toMatch(/^\s*import\s/m);
  });
});
