// Builds the SDK: an ES module for bundlers (dist/index.js), a single minified file for a
// <script> tag that defines the global `SessionInspector` (dist/session-inspector.iife.js), and
// the type declarations (dist/types). No runtime dependency is bundled: OpenTok.js is the page's.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dir = path.dirname(fileURLToPath(import.meta.url));
export const IIFE = path.join(dir, 'dist/session-inspector.iife.js');

/** Bundles the ESM and IIFE builds; with `types`, also writes the declarations. */
export async function buildSdk({ types = false } = {}) {
  const common = { entryPoints: [path.join(dir, 'src/index.ts')], bundle: true, target: 'es2020', logLevel: 'warning' };
  await build({ ...common, format: 'esm', outfile: path.join(dir, 'dist/index.js'), sourcemap: true });
  await build({
    ...common,
    format: 'iife',
    globalName: 'SessionInspector',
    minify: true,
    outfile: IIFE,
    sourcemap: true,
  });
  if (types) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  return IIFE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSdk({ types: true });
  console.log(`built ${path.relative(process.cwd(), IIFE)}`);
}
