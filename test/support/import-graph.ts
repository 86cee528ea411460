import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The workspaces, in the order DESIGN.md §2 draws them. */
export const PACKAGES = ['core', 'twin', 'gateway', 'firmware-sim', 'demo', 'nodes'] as const;

export interface SourceImport {
  readonly file: string;
  readonly specifier: string;
  /** Absolute path for a relative import; undefined for a package import. */
  readonly target?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every import and re-export in a package's src/, static and dynamic. */
export function importsOf(root: string, pkg: string): SourceImport[] {
  return sourceFiles(join(root, pkg, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => {
      const specifier = (m[1] ?? m[2]) as string;
      return specifier.startsWith('.') ? { file, specifier, target: resolve(dirname(file), specifier) } : { file, specifier };
    }),
  );
}

/**
 * The node of a file in the folder graph: `pkg/folder` for files in a
 * subsystem folder, `pkg/file.ts` for a package's top-level files (its
 * index.ts barrel is left out: it re-exports everything by design).
 */
export function nodeOf(root: string, file: string): string | undefined {
  const [pkg, src, first, second] = relative(root, file).replace(/\.js$/, '.ts').split('/');
  if (src !== 'src' || !first) return undefined;
  if (second) return `${pkg}/${first}`;
  return first === 'index.ts' ? undefined : `${pkg}/${first}`;
}

/** Strongly connected components with more than one node (Tarjan): each is a circle of imports. */
export function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}
