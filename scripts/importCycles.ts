/**
 * Fails when a module of `src/` or `collector/src/` imports itself through others (an import
 * circle), counting type-only imports too: a circle of types is still two modules that cannot be
 * understood or moved apart. Imports are resolved by the TypeScript compiler with each tree's own
 * tsconfig (so `@model` resolves as the collector sees it). Also fails when a query handler of the
 * collector imports another handler instead of `query/shared/`. Part of `npm run lint`.
 */
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** Each tree: the tsconfig that resolves its imports and the folder whose modules are checked. */
const TREES = [
  { tsconfig: 'tsconfig.json', dir: 'src' },
  { tsconfig: 'collector/tsconfig.json', dir: 'collector/src' },
];

function graphOf(tsconfig: string, dir: string): Map<string, string[]> {
  const configPath = path.join(ROOT, tsconfig);
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configPath));
  const inside = (f: string) => f.startsWith(path.join(ROOT, dir) + path.sep) && !/\.test\.tsx?$/.test(f);
  const files = parsed.fileNames.map((f) => path.resolve(f)).filter(inside);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
    const targets = importedFiles
      .map((i) => ts.resolveModuleName(i.fileName, file, parsed.options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((f): f is string => f !== undefined)
      .map((f) => path.resolve(f))
      .filter(inside);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components of more than one module (or a module importing itself). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) {
        found.push(component.sort());
      }
    }
  };
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return found;
}

/** Handler modules of the collector's query folder: every module there but the dispatcher and the context. */
const QUERY_DIR = path.join(ROOT, 'collector/src/query');
const isHandler = (f: string) =>
  path.dirname(f) === QUERY_DIR && !['runQueries.ts', 'context.ts'].includes(path.basename(f));

let failed = false;
for (const { tsconfig, dir } of TREES) {
  const graph = graphOf(tsconfig, dir);
  for (const [file, targets] of graph) {
    for (const target of targets.filter((t) => isHandler(file) && isHandler(t))) {
      failed = true;
      console.error(
        `  ${path.relative(ROOT, file)} imports the handler ${path.relative(ROOT, target)}: use query/shared/`
      );
    }
  }
  const found = circles(graph);
  const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  console.log(`${dir}: ${graph.size} modules, ${edges} imports, ${found.length} import circles`);
  for (const component of found) {
    failed = true;
    console.error(`  circle: ${component.map((f) => path.relative(ROOT, f)).join(' <-> ')}`);
  }
}
process.exit(failed ? 1 : 0);
