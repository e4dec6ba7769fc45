import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The collector's version, from its package.json (reported by health endpoints). */
export const VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
