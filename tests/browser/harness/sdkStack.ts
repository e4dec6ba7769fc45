import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import type { WireQueryResponse } from '../../../src/model/wire';

const root = path.resolve(__dirname, '../../..');

/** Launch options every SDK spec uses: Debian's Chromium with its fake camera and microphone. */
export const FAKE_MEDIA = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
};

/** The IIFE build of the SDK (built once per run: esbuild takes a fraction of a second). */
export async function sdkBundle(): Promise<string> {
  const { buildSdk } = (await import(path.join(root, 'sdk/build.mjs'))) as { buildSdk: () => Promise<string> };
  return readFileSync(await buildSdk(), 'utf8');
}

/**
 * Pages on an origin of their own (so the SDK's requests are cross-origin, as on a customer's
 * site): path → [content type, body]. JavaScript is served as UTF-8, as OpenTok.js needs.
 */
export async function servePages(
  pages: Record<string, [string, string | Buffer]>
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    const page = Object.hasOwn(pages, route) ? pages[route] : undefined;
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${page[0]}; charset=utf-8` });
    res.end(page[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A real collector on PostgreSQL (TEST_DATABASE_URL), in its own process, that a spec can stop and start again. */
export class SdkCollector {
  readonly project = 'sdk';
  readonly ingestToken = `sdk-ingest-${randomBytes(4).toString('hex')}`;
  readonly readToken = `sdk-read-${randomBytes(4).toString('hex')}`;
  readonly schema = `si_sdk_${randomBytes(6).toString('hex')}`;
  url = '';
  private port = 0;
  private child?: ChildProcess;

  constructor(private readonly origins: string[]) {}

  static databaseUrl(): string {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) {
      throw new Error('the SDK specs run the collector on PostgreSQL: TEST_DATABASE_URL=$(bash .ci/start-postgres.sh)');
    }
    return url;
  }

  async start(): Promise<this> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sdkCollector.ts')], {
      cwd: root,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: path.join(root, 'collector/tsconfig.json'),
        SDK_COLLECTOR: JSON.stringify({
          databaseUrl: SdkCollector.databaseUrl(),
          schema: this.schema,
          port: this.port,
          project: this.project,
          ingestToken: this.ingestToken,
          readToken: this.readToken,
          origins: this.origins,
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (http:\/\/\S+)/.exec(out);
        if (m) {
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`the collector exited with ${code} before it listened`)));
    });
    this.port = Number(new URL(this.url).port);
    return this;
  }

  /** Stops the collector process (SIGTERM, as an operator would); its data stays in PostgreSQL. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    this.child = undefined;
  }

  /** Stops it and drops its schema. */
  async remove(): Promise<void> {
    await this.stop();
    await this.sql(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
  }

  /** A query straight to its PostgreSQL schema (record ids and receive times, which no API returns). */
  async sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({
      connectionString: SdkCollector.databaseUrl(),
      options: `-c search_path="${this.schema}"`,
    });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async sessions(q: string): Promise<Array<{ sessionId: string; start: number; end: number }>> {
    const res = await fetch(`${this.url}/api/v1/sessions?q=${encodeURIComponent(q)}&from=0&to=${Date.now() + 60_000}`, {
      headers: { authorization: `Bearer ${this.readToken}` },
    });
    return ((await res.json()) as { sessions: Array<{ sessionId: string; start: number; end: number }> }).sessions;
  }

  /** One query through the collector's query API (the frames Grafana gets). */
  async query(query: Record<string, unknown>, range: { from: number; to: number }, maxDataPoints = 1000) {
    const res = await fetch(`${this.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.readToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ refId: 'A', timeRange: range, maxDataPoints, intervalMs: 1000, query }] }),
    });
    const result = ((await res.json()) as WireQueryResponse).results.A;
    if (result.status !== 200) {
      throw new Error(`query ${JSON.stringify(query)}: ${result.status} ${result.error ?? ''}`);
    }
    return result.frames ?? [];
  }

  /** Quality series (one per stream, role, media and subscriber) of one metric, as points. */
  async series(sessionId: string, metric: string, range: { from: number; to: number }) {
    const frames = await this.query({ queryType: 'quality', sessionId, metrics: [metric] }, range);
    return frames.map((f) => ({
      labels: f.schema.fields[1].labels ?? {},
      points: (f.data.values[0] as number[]).map((t, i) => ({ t, v: (f.data.values[1] as Array<number | null>)[i] })),
    }));
  }
}
