import type { ImportProgress } from './importDump';

const MB = 1024 * 1024;

/**
 * Progress of one file: a redrawn bar on a terminal, otherwise a plain line every 10 % (logs and
 * CI keep readable output).
 */
export function progressBar(
  name: string,
  out: NodeJS.WriteStream = process.stderr
): { update(p: ImportProgress): void; done(): void } {
  let lastTenth = -1;
  let lastPhase = '';
  return {
    update(p) {
      const ratio = p.total > 0 ? Math.min(1, p.bytes / p.total) : 1;
      const label = p.phase === 'check' ? 'checking' : p.phase === 'upload' ? 'uploading' : 'writing';
      if (out.isTTY) {
        const width = 30;
        const filled = Math.round(ratio * width);
        out.write(
          `\r${name} ${label.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${(p.bytes / MB).toFixed(1)}/${(p.total / MB).toFixed(1)} MB`
        );
        return;
      }
      const tenth = Math.floor(ratio * 10);
      if (tenth !== lastTenth || p.phase !== lastPhase) {
        lastTenth = tenth;
        lastPhase = p.phase;
        out.write(`${name}: ${label} ${tenth * 10}% (${p.bytes} of ${p.total} bytes)\n`);
      }
    },
    done() {
      if (out.isTTY) {
        out.write('\n');
      }
    },
  };
}
