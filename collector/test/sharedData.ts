import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The real captured data (`shared/data`): beside the checkout, or further up for a git worktree
 * kept in a subfolder. The nearest one upwards from this file wins.
 */
function findSharedData(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared/data');
    if (existsSync(candidate)) {
      return candidate;
    }
    if (dirname(dir) === dir) {
      throw new Error(`no shared/data folder above ${from}: the real captured dumps are needed`);
    }
  }
}

export const SHARED_DATA = findSharedData(join(__dirname, '../..'));
