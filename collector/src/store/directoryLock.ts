import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { conflict } from '../errors';

interface Holder {
  pid: number;
  host: string;
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Holds `<dir>/collector.lock` for the life of the store: two collectors on one PGlite directory
 * would both write it and lose acknowledged records. A lock left by a process that no longer
 * runs (kill -9, a crash) is stale and taken over. Returns the release function.
 */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, 'collector.lock');
  const me: Holder = { pid: process.pid, host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return () => {
        const holder = readHolder(path);
        if (holder?.pid === me.pid && holder.host === me.host) {
          unlinkSync(path);
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        throw err;
      }
    }
    const holder = readHolder(path);
    if (holder && holder.host !== me.host) {
      throw conflict(
        `the data directory ${dir} is locked by a collector on host ${holder.host} (pid ${holder.pid}); if none runs there, delete ${path}`
      );
    }
    if (holder && alive(holder.pid)) {
      throw conflict(
        `the data directory ${dir} is in use by another collector (pid ${holder.pid}): two collectors on one PGlite directory lose data. Stop it, or give this one another DATA_DIR (or a DATABASE_URL)`
      );
    }
    // Stale (its process is gone) or unreadable (cut short by a crash while being written).
    unlinkSync(path);
  }
}
