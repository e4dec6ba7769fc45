import { Limits } from '@model';

/**
 * Call at the first SIGINT / SIGTERM, before closing: a second signal, or `timeoutMs` without
 * the process having ended, exits at once (status 1). A clean close waits for the store, and a
 * store stuck in a statement (PGlite's thread cannot be interrupted; one whose directory was
 * removed under it spun at full CPU) kept the collector alive until a supervisor's SIGKILL. The
 * embedded store recovers from its log at the next start; PostgreSQL rolls back what was open.
 */
export function exitIfShutdownStalls(timeoutMs = Limits.shutdownTimeoutMs): void {
  const exit = (why: string) => {
    console.error(`collector: ${why}: exiting without waiting for the store to close`);
    process.exit(1);
  };
  const again = () => exit('a second signal while shutting down');
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  // Unreferenced: a shutdown that ends in time is not held up by it.
  setTimeout(() => exit(`still shutting down ${timeoutMs / 1000} s after the signal`), timeoutMs).unref();
}
