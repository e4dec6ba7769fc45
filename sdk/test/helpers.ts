import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The network between the SDK and a real collector: forwards every request, or fails it the way
 * a network or an overloaded collector does, and remembers what went through.
 */
export class Network {
  mode: 'up' | 'down' | { status: number; retryAfter?: string } = 'up';
  /** Each request: when it came, how it was answered, and the ids it carried. */
  readonly log: Array<{ at: number; status: number | 'dropped'; ids: string[] }> = [];
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) {
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks);
    let ids: string[] = [];
    try {
      ids = (JSON.parse(body.toString()) as { records: Array<{ id: string }> }).records.map((r) => r.id);
    } catch {
      ids = [];
    }
    const mode = this.mode;
    if (mode === 'down') {
      this.log.push({ at: Date.now(), status: 'dropped', ids });
      req.socket.destroy();
      return;
    }
    if (mode !== 'up') {
      this.log.push({ at: Date.now(), status: mode.status, ids });
      res.writeHead(mode.status, {
        'content-type': 'application/json',
        ...(mode.retryAfter ? { 'retry-after': mode.retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: 'collector busy' }));
      return;
    }
    const forward = request(`${this.target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      this.log.push({ at: Date.now(), status: up.statusCode ?? 0, ids });
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.end(body);
  }

  async close() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds (polling), failing with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}
