import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { recordLoopbackCall } from '../tests/browser/loopbackCall';

/**
 * Records a loopback call in Debian's Chromium and saves its two dumps:
 *   node --import tsx scripts/capture-loopback.ts --seconds 40 --dir out [--prefix clean-] [--arg=--force-fieldtrials=...]
 */
async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '40' },
      dir: { type: 'string', default: '.' },
      prefix: { type: 'string', default: '' },
      arg: { type: 'string', multiple: true, default: [] },
    },
  });
  mkdirSync(values.dir as string, { recursive: true });
  const saved = await recordLoopbackCall({
    seconds: Number(values.seconds),
    dir: values.dir as string,
    prefix: values.prefix,
    args: values.arg as string[],
  });
  console.log(`${saved.rtcstats}\n${saved.internals}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
