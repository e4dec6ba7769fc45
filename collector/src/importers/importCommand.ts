import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { REST } from '@model';
import { loadConfig } from '../config/config';
import { CollectorError, invalidDump } from '../errors';
import { openStore } from '../store/openStore';
import { DUMP_FORMATS, importDump, type ImportResult } from './importDump';
import { progressBar } from './progressBar';
import type { DumpFormat } from './trace';
import { retryAfterMs } from '../http/retryAfter';

const USAGE = `usage: collector import <files...> --project P --session S [--format auto|${DUMP_FORMATS.join('|')}] [--url URL --token T]

Imports rtcstats dumps (legacy or v3) and chrome://webrtc-internals dumps, gzip'ed or not, into
one session: one user per file. With --url and --token the files are uploaded to a running
collector (POST ${REST.import}, an ingest token of the project); without them they are written
to the collector's store configured from the environment (DATABASE_URL, or PGlite in DATA_DIR).`;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function summary(r: ImportResult): string {
  const lines = [
    `${r.file}: ${r.format}, user ${r.userId}, ${r.peerConnections} peer connections, ${r.events} events, ${r.samples} quality samples; stored ${r.accepted}, already there ${r.duplicates}; kept until ${day(r.keptUntil)} (retention counts from the import)`,
  ];
  if (r.skippedLines > 0) {
    lines.push(`  skipped ${r.skippedLines} lines that are not trace entries (first: ${r.firstSkipped})`);
  }
  lines.push(...r.warnings.map((w) => `  warning: ${w}`));
  return lines.join('\n');
}

/** How long an upload waits out a saturated collector (429 with Retry-After) before it gives up. */
const OVERLOAD_BUDGET_MS = 10 * 60_000;

/**
 * Streams one file to the upload endpoint, reporting the bytes sent. A collector saturated by
 * ingest (a demo's backfill) answers 429 with Retry-After before reading the file: wait as it
 * says and send again, like the simulator and the SDK.
 */
async function upload(
  url: string,
  token: string,
  path: string,
  q: URLSearchParams,
  onBytes: (n: number) => void,
  onWait: (ms: number) => void
): Promise<ImportResult> {
  let waited = 0;
  for (;;) {
    const res = await sendFile(url, token, path, q, onBytes);
    const wait = res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
    if (wait === undefined || waited + wait > OVERLOAD_BUDGET_MS) {
      return answerOf(res, path);
    }
    await res.body?.cancel();
    onWait(wait);
    waited += wait;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function sendFile(url: string, token: string, path: string, q: URLSearchParams, onBytes: (n: number) => void) {
  let sent = 0;
  const file = createReadStream(path);
  file.on('data', (b) => {
    sent += b.length;
    onBytes(sent);
  });
  const res = await fetch(`${url.replace(/\/$/, '')}${REST.import}?${q}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'content-length': String(statSync(path).size),
    },
    body: Readable.toWeb(file) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  return res;
}

async function answerOf(res: Response, path: string): Promise<ImportResult> {
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status} without a JSON body` }))) as ImportResult & {
    error?: string;
  };
  if (!res.ok) {
    throw invalidDump(`${basename(path)}: the collector refused the upload (HTTP ${res.status}): ${body.error}`);
  }
  return body;
}

export async function importCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: 'string' },
        session: { type: 'string' },
        format: { type: 'string', default: 'auto' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const problems = [
    files.length === 0 && 'no dump file given',
    !values.project && '--project is required',
    !values.session && '--session is required',
    values.format !== 'auto' &&
      !DUMP_FORMATS.includes(values.format as DumpFormat) &&
      `--format must be auto or one of ${DUMP_FORMATS.join(', ')}`,
    Boolean(values.url) !== Boolean(values.token) && '--url and --token go together',
  ].filter(Boolean);
  if (problems.length > 0) {
    console.error(`${problems.join('; ')}\n${USAGE}`);
    return 2;
  }
  for (const f of files) {
    try {
      statSync(f);
    } catch {
      console.error(`${f}: no such file`);
      return 2;
    }
  }
  const project = values.project as string;
  const sessionId = values.session as string;
  const format = values.format as DumpFormat | 'auto';
  const config = values.url ? undefined : loadConfig();
  const store = config && (await openStore(config));
  let failed = 0;
  try {
    for (const path of files) {
      const size = statSync(path).size;
      const bar = progressBar(basename(path));
      try {
        const result = store
          ? await importDump(
              store,
              { path, name: basename(path), size },
              {
                project,
                sessionId,
                format,
                retentionDays: config?.retentionDays,
                onProgress: (p) => bar.update(p),
              }
            )
          : await upload(
              values.url as string,
              values.token as string,
              path,
              new URLSearchParams({ session: sessionId, format, project, name: basename(path) }),
              (bytes) => bar.update({ phase: 'upload', bytes, total: size }),
              (ms) =>
                console.error(
                  `the collector is saturated: sending ${basename(path)} again in ${Math.ceil(ms / 1000)} s`
                )
            );
        bar.done();
        console.log(summary(result));
      } catch (err) {
        bar.done();
        if (!(err instanceof CollectorError)) {
          throw err;
        }
        console.error(`import failed, nothing stored: ${err.message}`);
        failed++;
      }
    }
  } finally {
    await store?.close();
  }
  return failed > 0 ? 1 : 0;
}
