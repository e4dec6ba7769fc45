import { parseArgs } from 'node:util';
import { simulate } from './simulate';

const HELP = `usage: collector simulate --token <ingest token> [options]

  --url <url>                    collector URL (default http://127.0.0.1:8600)
  --token <token>                ingest token (or SIMULATOR_TOKEN)
  --seed <n>                     seed; the same seed replays the same sessions (default 1)
  --sessions <n>                 sessions to backfill (default 60)
  --hours <n>                    backfill window ending now (default 6)
  --sample-interval <s>          seconds between quality samples (default 10)
  --live                         keep producing live sessions after the backfill
  --manifest <path>              write the ground-truth manifest (JSON)
  --broadcast-subscribers <n>    generate one large broadcast with n subscribers instead
  --broadcast-minutes <m>        its length in minutes (default 60)`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) {
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) {
    throw new UsageError(`--${name} must be a positive number, got '${raw}'`);
  }
  return v;
}

class UsageError extends Error {}

export async function simulateCommand(argv: string[]): Promise<number> {
  let controller: AbortController | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        seed: { type: 'string' },
        sessions: { type: 'string' },
        hours: { type: 'string' },
        'sample-interval': { type: 'string' },
        live: { type: 'boolean' },
        manifest: { type: 'string' },
        'broadcast-subscribers': { type: 'string' },
        'broadcast-minutes': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const token = values.token ?? process.env.SIMULATOR_TOKEN;
    if (!token) {
      throw new UsageError('--token (an ingest token) is required');
    }
    const stop = new AbortController();
    controller = stop;
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    const subscribers = values['broadcast-subscribers'];
    await simulate({
      url: (values.url ?? 'http://127.0.0.1:8600').replace(/\/$/, ''),
      token,
      seed: Math.floor(positive('seed', values.seed, 1)),
      sessions: Math.floor(positive('sessions', values.sessions, 60)),
      hours: positive('hours', values.hours, 6),
      sampleIntervalMs: positive('sample-interval', values['sample-interval'], 10) * 1000,
      live: values.live ?? false,
      manifestPath: values.manifest,
      broadcast: subscribers
        ? {
            subscribers: Math.floor(positive('broadcast-subscribers', subscribers, 1)),
            minutes: positive('broadcast-minutes', values['broadcast-minutes'], 60),
          }
        : undefined,
      signal: stop.signal,
      log: (line) => console.log(line),
    });
    return 0;
  } catch (err) {
    if (controller?.signal.aborted) {
      // SIGINT / SIGTERM: stopping is what was asked for, not a failure.
      console.log('simulate: stopped');
      return 0;
    }
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`${(err as Error).message}\n\n${HELP}`);
      return 2;
    }
    console.error(`simulate: ${(err as Error).message}`);
    return 1;
  }
}
