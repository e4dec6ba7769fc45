// Playwright global setup: bundles the harness page once, then starts the stack (collector +
// simulated data + harness server) in a child process for the whole run. The returned function
// is Playwright's teardown: it stops that child, by its pid.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildHarness } from './build';

const root = path.resolve(__dirname, '../../..');
export const STACK_FILE = path.join(root, 'test-results/harness/stack.json');

export default async function globalSetup(): Promise<() => Promise<void>> {
  await buildHarness();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'stack.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: path.join(root, 'collector/tsconfig.json'),
      HARNESS_STACK_FILE: STACK_FILE,
      HARNESS_BROADCAST: process.env.HARNESS_BROADCAST ?? '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('harnessUrl')) {
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`harness stack exited with ${code} before it was ready`)));
  });
  JSON.parse(readFileSync(STACK_FILE, 'utf8'));
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}
