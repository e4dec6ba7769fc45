#!/usr/bin/env node
// Launches the collector CLI from TypeScript sources through tsx, from any working directory.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
// tsx resolves the @model alias from the collector's tsconfig, whatever the working directory.
process.env.TSX_TSCONFIG_PATH ??= new URL('../tsconfig.json', import.meta.url).pathname;
require('tsx/cjs');
const { main } = require('../src/cli.ts');
main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') {
      process.exitCode = code;
    }
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
);
